"""taplib: the TAP helpers of the Python test scripts.

    from taplib import ok, skip, plan
    ok(condition, "what is checked", "what to show when it fails")
    skip("what", "why")
    sys.exit(plan())          the plan line, and the exit status
"""
n = 0
failed = 0


def ok(cond, desc, why=""):
    global n, failed
    n += 1
    if cond:
        print(f"ok {n} - {desc}")
    else:
        failed += 1
        print(f"not ok {n} - {desc}")
        for line in str(why).splitlines()[:20]:
            print(f"# {line}")
    return cond


def skip(desc, why):
    global n
    n += 1
    print(f"ok {n} - {desc} # SKIP {why}")


def plan():
    print(f"1..{n}")
    return 1 if failed else 0


def chromium(src, build):
    """Chromium and the npm modules the browser tests drive it with:
    (chromium's path, node_modules folder), or None when chromium, node or
    playwright-core (build/npm, installed by .ci/run) is absent."""
    import os
    import shutil
    modules = os.path.join(build, "npm", "node_modules")
    if not os.path.isdir(os.path.join(modules, "playwright-core")):
        modules = os.path.join(src, "build", "npm", "node_modules")
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not (path and shutil.which("node") and os.path.isdir(
            os.path.join(modules, "playwright-core"))):
        return None
    return path, modules


def main(run, tool, tmp):
    """Run a test script: skipped when tool is not built, tmp removed
    whatever happens; the plan line and the exit status."""
    import os
    import shutil
    if not os.path.exists(tool):
        print("1..0 # SKIP %s is not built" % os.path.basename(tool))
        return 0
    try:
        run()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return plan()
