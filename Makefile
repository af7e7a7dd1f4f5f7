# The two commands of README.md, plus the benchmark.
.PHONY: demo test lint bench soak setup

setup:            ## install everything (venvs, lessc, chromium); idempotent
	tools/setup_env.sh all

demo:             ## Odoo with Taobao, JD and own demo shops on local sandboxes, http://localhost:8069 (docs/en/demo.md)
	tools/run_demo.sh

test:             ## every test; ends with "N passed, N failed" (ONLY=test_a,test_b SKIP=browser,soak,lint narrow it, not in CI)
	tools/run_tests.sh $(if $(ONLY),--only $(ONLY)) $(if $(SKIP),--skip $(SKIP))

lint:             ## flake8, pylint-odoo and licence headers (a stage of make test)
	tools/run_lint.sh

bench:            ## benchmark table (seconds, calls, memory)
	tools/run_bench.sh

soak:             ## fault-injection soak: Taobao + JD shops, faults, changes, SIGKILL, two workers
	tools/run_soak.sh
