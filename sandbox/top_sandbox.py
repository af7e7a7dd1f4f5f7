# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Local emulator of the Taobao Open Platform (TOP) REST gateway and OAuth.

The emulator lives in the package ``sandbox/top/``; this module keeps its old
command line (``python sandbox/top_sandbox.py --port ... --data ...``) and its
old imports (``top_sandbox.Sandbox``, ``top_sandbox.mask_name``, ...) working.
"""
import os
import sys

# pylint: disable=wildcard-import,unused-wildcard-import
if __package__:  # imported inside the addon, e.g. ``from ..sandbox import top_sandbox``
    from .top import *  # noqa: F401,F403
    from .top import main
else:  # run as a script, or imported with sandbox/ on sys.path
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from sandbox.top import *  # noqa: F401,F403
    from sandbox.top import main

if __name__ == '__main__':
    sys.exit(main())
