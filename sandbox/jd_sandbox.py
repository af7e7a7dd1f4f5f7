# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Local emulator of the JD Open Service (JOS, 京东宙斯) gateway and OAuth 2.

The emulator lives in the package ``sandbox/jd/``; this module keeps its old
command line (``python sandbox/jd_sandbox.py --port ... --data ...``) and its
old imports (``jd_sandbox.make_server``, ``jd_sandbox.parse_args``, ...) working.
"""
import os
import sys

# pylint: disable=wildcard-import,unused-wildcard-import
if __package__:  # imported inside the addon, e.g. ``from ..sandbox import jd_sandbox``
    from .jd import *  # noqa: F401,F403
    from .jd import main
else:  # run as a script, or imported with sandbox/ on sys.path
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from sandbox.jd import *  # noqa: F401,F403
    from sandbox.jd import main

if __name__ == '__main__':
    sys.exit(main())
