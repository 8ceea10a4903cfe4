// The primitives generated activation code calls (activations/jscode.py), with the float64
// semantics of their NumPy/SciPy counterparts. No activation is written here: each
// activation's f and f′ is generated from its registry entry's symbolic form.
const ActivationLabRuntime = (() => {
  const SQRT1_2 = Math.SQRT1_2;
  const TWO_OVER_SQRT_PI = 1.1283791670955126;
  const ONE_OVER_SQRT_PI = 0.5641895835477563;

  function expMinusSquare(x) {
    // e^(−x²) without the rounding error of x·x, which e^ magnifies by x² in the tails:
    // x = hi + lo with hi on a 2⁻¹² grid, so hi² is exact.
    const hi = Math.round(x * 4096) / 4096;
    const lo = x - hi;
    return Math.exp(-hi * hi) * Math.exp(-(2 * hi * lo + lo * lo));
  }

  function erfSeries(x) {
    // erf(x) = 2/√π · e^(−x²) · Σ (2x²)ⁿ x / (1·3·…·(2n+1)): positive terms, no cancellation.
    const x2 = 2 * x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= x2 / (2 * n + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return TWO_OVER_SQRT_PI * expMinusSquare(x) * sum;
  }

  function erfcFraction(x) {
    // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), x ≥ 2, evaluated
    // from the tail with enough terms for double precision.
    const terms = x < 3 ? 120 : x < 6 ? 60 : x < 12 ? 30 : 12;
    let t = x;
    for (let k = terms; k >= 1; k--) t = x + k / 2 / t;
    return (ONE_OVER_SQRT_PI * expMinusSquare(x)) / t;
  }

  function erfc(x) {
    if (x !== x) return NaN;
    if (x < 0) return 2 - erfc(-x);
    if (x > 27.3) return 0; // below the smallest double
    return x < 2 ? 1 - erfSeries(x) : erfcFraction(x);
  }

  function erf(x) {
    if (x !== x) return NaN;
    if (x < 0) return -erf(-x);
    return x < 2 ? erfSeries(x) : 1 - erfcFraction(x);
  }

  function ndtr(x) {
    // Φ(x) = erfc(−x/√2)/2: the lower tail keeps its relative accuracy.
    const z = x * SQRT1_2;
    if (Math.abs(z) < 0.5) return 0.5 + 0.5 * erf(z);
    return z > 0 ? 1 - 0.5 * erfc(z) : 0.5 * erfc(-z);
  }

  function sigmoid(x) {
    // scipy.special.expit: 1/(1 + e^(−x)) without overflow on either side.
    if (x >= 0) return 1 / (1 + Math.exp(-x));
    const e = Math.exp(x);
    return e / (1 + e);
  }

  function softplus(x) {
    // numpy.logaddexp(0, x) = max(x, 0) + log1p(e^(−|x|)).
    if (x !== x) return NaN;
    if (x === Infinity) return Infinity;
    return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }

  function clip(u, lo, hi) {
    return Math.min(Math.max(u, lo), hi); // NaN propagates, as np.minimum(np.maximum(...))
  }

  function limit(fn, x, p) {
    // The kernels' rule at ±∞, where ∞ arithmetic gives NaN (x·σ(x) is −∞·0): the value at
    // ±1e300 if it agrees with the one at ±1e150, else NaN (sin has no limit).
    const sign = x > 0 ? 1 : -1;
    const far = fn(sign * 1e300, p);
    const near = fn(sign * 1e150, p);
    const ok = Number.isFinite(far) &&
      Math.abs(far - near) <= 1e-9 * Math.max(1, Math.abs(far), Math.abs(near));
    return ok ? far : NaN;
  }

  function call(fn, x, p) {
    // NaN in, NaN out (a condition on NaN is false, so a branch alone would not say NaN).
    if (x !== x) return NaN;
    const out = fn(x, p);
    return out === out || (x !== Infinity && x !== -Infinity) ? out : limit(fn, x, p);
  }

  function compile(spec) {
    // spec: {params: [names], f: "function (x, p) {...}", g: ...} from activations.jscode.
    // Returns {params, f(x, p), g(x, p), vg(x, p, out)}: p an array of parameter values in
    // spec.params order; f′ is NaN wherever f is.
    const f = new Function("R", "return " + spec.f)(runtime);
    const g = new Function("R", "return " + spec.g)(runtime);
    return {
      params: spec.params,
      f: (x, p) => call(f, x, p),
      g: (x, p) => {
        const value = call(f, x, p);
        return value === value ? call(g, x, p) : NaN;
      },
      vg: (x, p, out) => {
        out[0] = call(f, x, p);
        out[1] = out[0] === out[0] ? call(g, x, p) : NaN;
        return out;
      },
    };
  }

  const runtime = { erf, erfc, ndtr, sigmoid, softplus, clip, compile };
  return runtime;
})();
