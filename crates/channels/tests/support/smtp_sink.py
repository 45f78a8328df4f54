#!/usr/bin/env python3
"""SMTP sink for the email transport tests (aiosmtpd).

Listens on 127.0.0.1 on a free port and prints `PORT <n>` once it accepts connections.
Every accepted message is written to OUT_DIR as `<n>.eml` (the bytes as received) plus
`<n>.json` (envelope sender and recipients). AUTH PLAIN/LOGIN with the one test user;
`--reject ADDRESS` answers 550 to that recipient; `--cert/--key` offer STARTTLS and require it.
"""
import argparse
import asyncio
import json
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--reject", action="append", default=[])
    ap.add_argument("--cert")
    ap.add_argument("--key")
    args = ap.parse_args()
    rejected = {a.lower() for a in args.reject}
    counter = {"n": 0}

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.lower() in rejected:
                return "550 5.1.1 <%s>: Recipient address rejected: no such user" % address
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            counter["n"] += 1
            base = os.path.join(args.dir, "%04d" % counter["n"])
            with open(base + ".json.tmp", "w") as f:
                json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, f)
            with open(base + ".eml.tmp", "wb") as f:
                f.write(envelope.original_content)
            os.rename(base + ".json.tmp", base + ".json")
            os.rename(base + ".eml.tmp", base + ".eml")
            return "250 Message accepted for delivery"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == args.user.encode()
            and auth_data.password == args.password.encode()
        )
        return AuthResult(success=ok, handled=False)

    tls_context = None
    if args.cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.cert, args.key)

    def factory():
        return SMTP(
            Handler(),
            hostname="sink.test",
            decode_data=False,
            authenticator=authenticator,
            auth_required=True,
            auth_require_tls=tls_context is not None,
            tls_context=tls_context,
            require_starttls=tls_context is not None,
        )

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(factory, host="127.0.0.1", port=0))
    port = server.sockets[0].getsockname()[1]
    print("PORT %d" % port, flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    sys.exit(main())
