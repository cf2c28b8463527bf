"""The loopback HTTP helper the load and crash tests rely on reads every kind of answer right."""

from __future__ import annotations

import http.client as http_client
import socket
import threading

import pytest

from shebao.ops.testing import http


class _OneShotServer:
    """Accepts connections on 127.0.0.1 and answers each with the given bytes, then closes."""

    def __init__(self, answer: bytes):
        self.answer = answer
        self.requests: list[bytes] = []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                head, _, body = data.partition(b"\r\n\r\n")
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                while len(body) < length:
                    body += conn.recv(65536)
                self.requests.append(head + b"\r\n\r\n" + body)
                conn.sendall(self.answer)

    def close(self):
        self.sock.close()


@pytest.fixture
def serve():
    servers = []

    def start(answer: bytes) -> _OneShotServer:
        servers.append(_OneShotServer(answer))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


def test_a_json_post_is_sent_whole_and_the_answer_read_by_its_length(serve):
    s = serve(b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\": 1}\r\nEXTRA")
    status, body, headers = http("POST", f"http://127.0.0.1:{s.port}/api/v1/cases?x=1", body={"名字": "张三"},
                                 headers={"Authorization": "Bearer sb_x"})
    assert (status, body) == (201, b'{"ok": 1}\r\n')
    assert headers["Content-Type"] == "application/json"
    sent = s.requests[0]
    assert sent.startswith(b"POST /api/v1/cases?x=1 HTTP/1.1\r\n")
    assert b"Authorization: Bearer sb_x\r\n" in sent and b"Connection: close\r\n" in sent
    assert sent.endswith('{"名字": "张三"}'.encode())


def test_a_given_host_header_replaces_the_default(serve):
    s = serve(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    status, body, _ = http("GET", f"http://127.0.0.1:{s.port}/healthz", headers={"Host": "evil.example"})
    assert (status, body) == (400, b"")
    assert s.requests[0].count(b"Host:") == 1 and b"Host: evil.example\r\n" in s.requests[0]


def test_a_chunked_answer_and_an_answer_without_length_are_read_to_the_end(serve):
    chunked = serve(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n")
    assert http("GET", f"http://127.0.0.1:{chunked.port}/")[:2] == (200, b"hello world")
    plain = serve(b"HTTP/1.0 500 Internal Server Error\r\n\r\nboom")
    assert http("GET", f"http://127.0.0.1:{plain.port}/")[:2] == (500, b"boom")


def test_a_closed_connection_or_a_short_answer_is_an_error_not_an_answer(serve):
    silent = serve(b"")
    with pytest.raises(http_client.RemoteDisconnected):
        http("GET", f"http://127.0.0.1:{silent.port}/")
    short = serve(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this")
    with pytest.raises(http_client.IncompleteRead):
        http("GET", f"http://127.0.0.1:{short.port}/")
    garbage = serve(b"SSH-2.0-OpenSSH\r\n\r\n")
    with pytest.raises(http_client.BadStatusLine):
        http("GET", f"http://127.0.0.1:{garbage.port}/")


def test_nothing_listening_is_an_os_error():
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    with pytest.raises(OSError):
        http("GET", f"http://127.0.0.1:{port}/", timeout=2)


def test_only_plain_http_addresses_are_taken():
    with pytest.raises(ValueError, match="http://"):
        http("GET", "https://127.0.0.1/")
