import { Command } from 'commander';


export function serveCommand(): Command {
  return new Command('serve')
    .description('Start the HTTP service (PORT, default 3000)')
    .option('--port <port>', 'port to listen on (overrides PORT)')
    .action(async (options: { port?: string }) => {
      if (options.port !== undefined) process.env.PORT = options.port;
      const { startHttpService } = await import('../main');
      await startHttpService();
    });
}
