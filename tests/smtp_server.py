"""A small real SMTP server on 127.0.0.1, in a thread, for tests of mail that fails.

It speaks just enough SMTP for Python's smtplib (and so Django's SMTP backend) and
can be told to misbehave the way mail servers do:

- "accept": takes every message (`messages` holds their raw text);
- "busy": answers the connection with 421 (a server that is overloaded or going
  down: try later);
- "defer": answers RCPT with 451 (greylisting: try later);
- "refuse": answers RCPT with 550 (no such mailbox: never).

A server that is down altogether is a port where nothing listens: `closed_port()`.
"""

import socket
import socketserver
import threading

REPLIES = {
    "busy": b"421 4.3.2 Service not available, try again later",
    "defer": b"451 4.7.1 Greylisted, try again later",
    "refuse": b"550 5.1.1 No such mailbox here",
}


class _Session(socketserver.StreamRequestHandler):
    def send(self, line):
        self.wfile.write(line + b"\r\n")

    def handle(self):
        server = self.server
        server.connections += 1
        if server.mode == "busy":
            self.send(REPLIES["busy"])
            return
        self.send(b"220 localhost test SMTP")
        lines = None  # collecting a message's text after DATA
        while line := self.rfile.readline():
            if lines is not None:
                if line.rstrip(b"\r\n") == b".":
                    server.messages.append(b"".join(lines).decode(errors="replace"))
                    lines = None
                    self.send(b"250 2.0.0 Queued")
                else:
                    lines.append(line)
                continue
            command = line[:4].upper()
            if command in (b"EHLO", b"HELO"):
                self.send(b"250 localhost")
            elif command == b"RCPT" and server.mode in ("defer", "refuse"):
                self.send(REPLIES[server.mode])
            elif command in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                self.send(b"250 2.0.0 OK")
            elif command == b"DATA":
                lines = []
                self.send(b"354 End data with <CR><LF>.<CR><LF>")
            elif command == b"QUIT":
                self.send(b"221 2.0.0 Bye")
                return
            else:
                self.send(b"502 5.5.2 Not implemented")


class SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mode="accept"):
        super().__init__(("127.0.0.1", 0), _Session)
        self.mode = mode
        self.messages = []
        self.connections = 0
        self.port = self.server_address[1]

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


def closed_port():
    """A port on 127.0.0.1 where nothing listens: connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def use_smtp(settings, port):
    """Point Django's mail at the SMTP server on `port` (no TLS, no login)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
