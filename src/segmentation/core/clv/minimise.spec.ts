import { minimiseBfgs, type ObjectiveWithGradient } from './minimise';

describe('minimiseBfgs: BFGS with a backtracking line search', () => {
  it('finds the minimum of a badly scaled quadratic', () => {
    const quadratic: ObjectiveWithGradient = (point, gradient) => {
      gradient[0] = 2 * (point[0] - 3);
      gradient[1] = 200 * (point[1] + 1);
      return (point[0] - 3) ** 2 + 100 * (point[1] + 1) ** 2;
    };
    const result = minimiseBfgs(quadratic, [0, 0]);
    expect(result.converged).toBe(true);
    expect(result.point[0]).toBeCloseTo(3, 6);
    expect(result.point[1]).toBeCloseTo(-1, 6);
  });

  it('stops once the predicted gain is below what the objective can resolve, instead of halving for ever', () => {
    // Around 1e6 a double resolves about 1e-10: the last digits of (x − 3)² are invisible in the value.
    const offset: ObjectiveWithGradient = ([x], gradient) => {
      gradient[0] = 2 * (x - 3);
      return 1e6 + (x - 3) ** 2;
    };
    const result = minimiseBfgs(offset, [0]);
    expect(result.converged).toBe(true);
    expect(result.point[0]).toBeCloseTo(3, 3);
    expect(result.evaluations).toBeLessThan(20);
  });

  it('follows the curved valley of Rosenbrock\'s function to (1, 1)', () => {
    const rosenbrock: ObjectiveWithGradient = ([x, y], gradient) => {
      gradient[0] = -2 * (1 - x) - 400 * x * (y - x * x);
      gradient[1] = 200 * (y - x * x);
      return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
    };
    const result = minimiseBfgs(rosenbrock, [-1.2, 1], { maxIterations: 1000 });
    expect(result.converged).toBe(true);
    expect(result.point[0]).toBeCloseTo(1, 6);
    expect(result.point[1]).toBeCloseTo(1, 6);
  });

  it('backs off from steps where the objective is not finite', () => {
    // −ln x + x: minimum at x = 1, undefined for x ≤ 0, and the first full step from 0.1 would overshoot.
    const barrier: ObjectiveWithGradient = ([x], gradient) => {
      gradient[0] = 1 - 1 / x;
      return x > 0 ? x - Math.log(x) : Number.NaN;
    };
    const result = minimiseBfgs(barrier, [0.01]);
    expect(result.point[0]).toBeCloseTo(1, 8);
  });

  it('is deterministic and says when it ran out of iterations', () => {
    const slow: ObjectiveWithGradient = ([x, y], gradient) => {
      gradient[0] = -2 * (1 - x) - 400 * x * (y - x * x);
      gradient[1] = 200 * (y - x * x);
      return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
    };
    const first = minimiseBfgs(slow, [-1.2, 1], { maxIterations: 3 });
    expect(first.converged).toBe(false);
    expect(minimiseBfgs(slow, [-1.2, 1], { maxIterations: 3 })).toEqual(first);
  });

  it('refuses a starting point where the objective is not finite', () => {
    expect(() => minimiseBfgs(() => Number.NaN, [0])).toThrow(RangeError);
  });
});
