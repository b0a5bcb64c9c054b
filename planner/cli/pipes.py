"""Standard output that survives its reader going away (`planner validate x.xlsx | head -1`)."""

from __future__ import annotations


class PipeSafe:
    """A text stream that survives its reader going away (`planner validate x.xlsx | head -1`).

    The first write or flush that finds the pipe closed points the file descriptor at os.devnull (as the Python
    docs on SIGPIPE recommend) and drops that and all later output, so the command runs on and exits with its
    own code instead of click's 1 for a broken pipe. Everything else is the wrapped stream's.
    """

    def __init__(self, stream):
        self._stream = stream
        self.closed_pipe = False

    def __getattr__(self, name: str):
        return getattr(self._stream, name)

    def _broken(self) -> None:
        import os

        self.closed_pipe = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):  # no descriptor (e.g. a test's capture)
            pass

    def write(self, text: str) -> int:
        if not self.closed_pipe:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._broken()
        return len(text)

    def flush(self) -> None:
        if not self.closed_pipe:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._broken()


def pipe_safe(stream):
    """`stream` wrapped in PipeSafe (once)."""
    return stream if isinstance(stream, PipeSafe) or stream is None else PipeSafe(stream)
