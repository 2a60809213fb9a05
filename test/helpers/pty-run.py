"""Runs a command in a real pseudo-terminal, as a person at a keyboard would:
waits for each expected prompt text, then types the answer. Prints everything
the terminal showed. Usage: pty-run.py TIMEOUT EXPECT1 ANSWER1 [EXPECT2 ANSWER2 ...] -- CMD ARGS..."""
import fcntl, os, pty, select, struct, sys, termios, time

def main():
    args = sys.argv[1:]
    sep = args.index('--')
    timeout = float(args[0])
    pairs = args[1:sep]
    cmd = args[sep + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        # A terminal of a real size: 30 rows, 100 columns.
        fcntl.ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ, struct.pack('HHHH', 30, 100, 0, 0))
        os.execvp(cmd[0], cmd)
    out = b''
    deadline = time.time() + timeout
    steps = [(pairs[i].encode(), pairs[i + 1].encode()) for i in range(0, len(pairs), 2)]
    while time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        if steps and steps[0][0] in out:
            time.sleep(0.2)
            for ch in steps[0][1]:
                os.write(fd, bytes([ch]))
                time.sleep(0.01)
            os.write(fd, b'\r')
            steps.pop(0)
    if time.time() >= deadline:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    sys.stdout.buffer.write(out)
    sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, 'waitstatus_to_exitcode') else status >> 8)

main()
