"""Print one of the two commands of the README's Quickstart section ('app' or 'test').

CI runs the test command exactly as the README states it, so the two cannot drift apart.
"""

import re
import sys
from pathlib import Path

text = Path(__file__).resolve().parent.parent.joinpath("README.md").read_text(encoding="utf-8")
section = re.search(r"^## Quickstart\n(.*?)(?=^## )", text, flags=re.S | re.M)
if section is None:
    sys.exit("README.md has no '## Quickstart' section")
blocks = re.findall(r"```(?:sh|bash|shell)\n(.*?)```", section.group(1), flags=re.S)
if len(blocks) != 2:
    sys.exit(f"the Quickstart must hold exactly two shell blocks, found {len(blocks)}")
commands = [block.strip() for block in blocks]
print(commands[{"app": 0, "test": 1}[sys.argv[1]]])
