/**
 * Type declarations for the part of ml-kmeans@7 this folder uses.
 *
 * Why this file exists: ml-kmeans@7 is an ES module whose types are reachable only through its package.json
 * "exports" map, which the project's `moduleResolution: "node"` (node10) does not read, so `tsc` reports
 * TS2307. At run time Node 22 loads it with require(esm), so only the types are missing. If tsconfig ever
 * resolves the package itself (e.g. `"paths": { "ml-kmeans": ["node_modules/ml-kmeans/lib/index.d.ts"] }`
 * or `moduleResolution: "node16"`), this file can be deleted. Mirrors node_modules/ml-kmeans/lib/kmeans.d.ts.
 */
declare module 'ml-kmeans' {
  export type InitializationMethod = 'kmeans++' | 'random' | 'mostDistant';

  export interface Options {
    distanceFunction?: (p: number[], q: number[]) => number;
    tolerance?: number;
    initialization?: InitializationMethod | number[][];
    maxIterations?: number;
    seed?: number;
  }

  export interface KMeansResult {
    clusters: number[];
    centroids: number[][];
    converged: boolean;
    iterations: number;
    nearest(data: number[][]): number[];
  }

  export function kmeans(data: number[][], K: number, options: Options): KMeansResult;
}
