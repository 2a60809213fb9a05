#!/usr/bin/env python3
"""CPU time (user + sys) and wall time of whole processes, in interleaved rounds.

On a shared machine the wall time of a 40 ms process follows the load; the CPU
time the process itself used (its rusage from wait4, microsecond resolution)
follows it much less. Each round runs every command once, the first command
rotating (as bench/lib/rounds.mjs does); two warm-up rounds first. Prints the
medians and each command's ratio to the first one (put `node -e 0` first).
NODE_EXTRA_CA_CERTS is removed from every environment (bench/README.md).

  python3 bench/lib/cpu-rounds.py ROUNDS 'NAME=::COMMAND LINE' ...
  python3 bench/lib/cpu-rounds.py 40 'node=::node -e 0' 'cw=::node bin/run.js check-window one.pem'

Stdin, stdout and stderr are /dev/null. A command line is split as a shell would
(shlex), without a shell.
"""
import os
import shlex
import statistics
import sys
import time


def once(argv, env):
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_RDWR)
        for n in (0, 1, 2):
            os.dup2(fd, n)
        try:
            os.execvpe(argv[0], argv, env)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = (time.perf_counter() - t0) * 1000
    return wall, (usage.ru_utime + usage.ru_stime) * 1000, os.waitstatus_to_exitcode(status)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    rounds = int(sys.argv[1])
    cmds = []
    for arg in sys.argv[2:]:
        name, sep, line = arg.partition('=::')
        if not sep:
            sys.exit(f'not NAME=::COMMAND: {arg}')
        cmds.append((name, shlex.split(line)))
    env = {k: v for k, v in os.environ.items() if k != 'NODE_EXTRA_CA_CERTS'}
    for _ in range(2):
        for _, argv in cmds:
            once(argv, env)
    runs = {name: ([], [], set()) for name, _ in cmds}
    load_before = os.getloadavg()
    for r in range(rounds):
        for k in range(len(cmds)):
            name, argv = cmds[(k + r) % len(cmds)]
            wall, cpu, code = once(argv, env)
            runs[name][0].append(wall)
            runs[name][1].append(cpu)
            runs[name][2].add(code)
    load_after = os.getloadavg()
    print(f'{rounds} rounds, load {load_before[0]:.2f} -> {load_after[0]:.2f}')
    print(f'| command | wall ms (median) | ÷ first | CPU ms (median) | ÷ first | exit |')
    print('| --- | ---: | ---: | ---: | ---: | --- |')
    base = None
    for name, _ in cmds:
        wall, cpu, codes = runs[name]
        w, c = statistics.median(wall), statistics.median(cpu)
        base = base or (w, c)
        print(f'| {name} | {w:.1f} | {w / base[0]:.2f}× | {c:.1f} | {c / base[1]:.2f}× | {",".join(map(str, sorted(codes)))} |')


main()
