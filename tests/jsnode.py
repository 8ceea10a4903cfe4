"""Run generated activation JavaScript in Node on float64 arrays (tests and benches)."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess

import numpy as np

from activations.jscode import JsActivation, runtime_source

NODE = shutil.which("node")

_DRIVER = """
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const decode = (b) => new Float64Array(Uint8Array.from(Buffer.from(b, 'base64')).buffer);
const out = input.jobs.map((job) => {
  const act = ActivationLabRuntime.compile(job.spec);
  const x = decode(job.x);
  const f = new Float64Array(x.length), g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) { f[i] = act.f(x[i], job.p); g[i] = act.g(x[i], job.p); }
  return [Buffer.from(f.buffer).toString('base64'), Buffer.from(g.buffer).toString('base64')];
});
process.stdout.write(JSON.stringify(out));
"""


def evaluate(
    jobs: list[tuple[JsActivation, np.ndarray, list[float]]],
) -> list[tuple[np.ndarray, np.ndarray]]:
    """f and f′ of each (spec, x, parameter values) job, computed by Node."""
    payload = {
        "jobs": [
            {
                "spec": spec.to_json(),
                "x": base64.b64encode(np.ascontiguousarray(x, dtype="<f8").tobytes()).decode(),
                "p": [float(v) for v in p],
            }
            for spec, x, p in jobs
        ]
    }
    script = runtime_source() + _DRIVER
    done = subprocess.run(
        [NODE, "-e", script],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return [
        tuple(np.frombuffer(base64.b64decode(s), dtype="<f8") for s in pair)
        for pair in json.loads(done.stdout)
    ]
