/**
 * Unconstrained minimisation by BFGS with a backtracking (Armijo) line search, for the models' negative
 * log-likelihoods written in log-parameters (so every parameter stays positive without constraints).
 *
 * BFGS with an analytic gradient, rather than Nelder-Mead, because one likelihood evaluation over a million
 * customers costs tens of milliseconds: BFGS needs a few dozen evaluations where Nelder-Mead needs hundreds.
 * Deterministic: no randomness anywhere, so the same data gives the same parameters.
 */

/** The objective's value and gradient at a point; the gradient array is written by the callee. */
export type ObjectiveWithGradient = (point: Float64Array, gradient: Float64Array) => number;

export interface MinimiseOptions {
  /** Converged when every gradient component is below this (the objectives here are per-customer means). */
  gradientTolerance?: number;
  /**
   * Also converged when the decrease the quasi-Newton step predicts, ½·gᵀHg, is below this fraction of
   * (1 + |value|): with a million customers the mean's rounding noise (~1e-15) hides smaller gains, and the
   * gradient then stalls around 1e-7, so a gradient test alone would never pass. 1e-13 leaves the
   * log-parameters within about 1e-6 of the optimum.
   */
  relativeDecreaseTolerance?: number;
  maxIterations?: number;
}

export interface MinimiseResult {
  point: Float64Array;
  value: number;
  iterations: number;
  evaluations: number;
  /** False when the iteration limit was reached or the line search failed away from the optimum. */
  converged: boolean;
}

const MAX_HALVINGS = 40;
/** Never step more than 5 in any coordinate (a factor e^5 ≈ 150 in a log-parameter): keeps exp() finite. */
const MAX_STEP = 5;

export function minimiseBfgs(
  objective: ObjectiveWithGradient,
  start: ArrayLike<number>,
  options: MinimiseOptions = {},
): MinimiseResult {
  const gradientTolerance = options.gradientTolerance ?? 1e-9;
  const relativeDecreaseTolerance = options.relativeDecreaseTolerance ?? 1e-13;
  const maxIterations = options.maxIterations ?? 500;
  const n = start.length;
  let point = Float64Array.from(start);
  let gradient = new Float64Array(n);
  let value = objective(point, gradient);
  let evaluations = 1;
  if (!Number.isFinite(value)) throw new RangeError('the objective is not finite at the starting point');
  // Inverse Hessian approximation, started at the identity (the log-parameter scale makes that reasonable).
  const inverseHessian = identity(n);
  const direction = new Float64Array(n);
  const nextPoint = new Float64Array(n);
  let nextGradient = new Float64Array(n);
  const done = (iterations: number, converged: boolean): MinimiseResult => {
    return { point, value, iterations, evaluations, converged };
  };

  for (let iteration = 0; iteration < maxIterations; iteration++) {
    if (maxAbs(gradient) < gradientTolerance) return done(iteration, true);
    multiply(inverseHessian, gradient, direction, -1);
    let slope = dot(direction, gradient);
    if (!(slope < 0)) {
      // The approximation lost positive definiteness: restart from steepest descent.
      resetToIdentity(inverseHessian);
      for (let i = 0; i < n; i++) direction[i] = -gradient[i];
      slope = dot(direction, gradient);
    }
    const resolution = relativeDecreaseTolerance * (1 + Math.abs(value));
    if (iteration > 0 && -slope / 2 < resolution) return done(iteration, true);
    let step = Math.min(1, MAX_STEP / maxAbs(direction));
    let nextValue = Number.NaN;
    for (let halvings = 0; halvings < MAX_HALVINGS; halvings++) {
      for (let i = 0; i < n; i++) nextPoint[i] = point[i] + step * direction[i];
      nextValue = objective(nextPoint, nextGradient);
      evaluations++;
      if (Number.isFinite(nextValue) && nextValue <= value + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(Number.isFinite(nextValue) && nextValue <= value)) {
      // No descent even along tiny steps: at the optimum to the objective's precision, or stuck elsewhere.
      return done(iteration, maxAbs(gradient) < 1e3 * gradientTolerance || -slope / 2 < 1e3 * resolution);
    }
    const stepTaken = new Float64Array(n);
    const gradientChange = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      stepTaken[i] = nextPoint[i] - point[i];
      gradientChange[i] = nextGradient[i] - gradient[i];
    }
    updateInverseHessian(inverseHessian, stepTaken, gradientChange);
    point = Float64Array.from(nextPoint);
    [gradient, nextGradient] = [nextGradient, gradient];
    value = nextValue;
  }
  return done(maxIterations, maxAbs(gradient) < gradientTolerance);
}

/** H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ; skipped when sᵀy ≤ 0, which would break positive definiteness. */
function updateInverseHessian(h: Float64Array[], s: Float64Array, y: Float64Array): void {
  const sy = dot(s, y);
  if (!(sy > 1e-300)) return;
  const rho = 1 / sy;
  const n = s.length;
  const hy = new Float64Array(n);
  multiply(h, y, hy, 1);
  const yhy = dot(y, hy);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      h[i][j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
    }
  }
}

function identity(n: number): Float64Array[] {
  const rows = Array.from({ length: n }, () => new Float64Array(n));
  resetToIdentity(rows);
  return rows;
}

function resetToIdentity(rows: Float64Array[]): void {
  rows.forEach((row, i) => {
    row.fill(0);
    row[i] = 1;
  });
}

function multiply(matrix: Float64Array[], vector: Float64Array, out: Float64Array, sign: number): void {
  for (let i = 0; i < matrix.length; i++) out[i] = sign * dot(matrix[i], vector);
}

function dot(u: Float64Array, v: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < u.length; i++) sum += u[i] * v[i];
  return sum;
}

function maxAbs(v: Float64Array): number {
  let largest = 0;
  for (let i = 0; i < v.length; i++) largest = Math.max(largest, Math.abs(v[i]));
  return largest;
}
