#!/usr/bin/env python3
"""Times the report pages of a running Aftersail (one client, sequential requests).

    measure.py BASE_URL [--runs N] [--warmup N]

Signs in as the demo owner, then requests each view N times after W warm-ups and prints a
Markdown table of p50 / p99 / max milliseconds for the whole HTTP answer (nearest rank).
Exits non-zero on any answer other than 200. Standard library only.
"""
import argparse
import datetime as dt
import http.cookiejar
import re
import sys
import time
import urllib.parse
import urllib.request


def views(today):
    def rng(days):
        start = today - dt.timedelta(days=days - 1)
        return f"from={start.isoformat()}&to={today.isoformat()}"

    out = []
    for days in (30, 90):
        for section in ("returns", "refunds", "tickets", "service", "csat", "bot"):
            out.append((f"{section} {days} days", f"/reports/{section}?{rng(days)}"))
    for label, extra in (("email", "&channel=email"), ("DE", "&market=DE")):
        for section in ("returns", "refunds", "tickets", "service", "csat", "bot"):
            out.append((f"{section} 30 days, {label}", f"/reports/{section}?{rng(30)}{extra}"))
    out.append(("service.csv 30 days", f"/reports/service.csv?{rng(30)}&table=by_channel"))
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("base")
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--email", default="owner@demo.example")
    p.add_argument("--password", default="aftersail-demo")
    a = p.parse_args()
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(a.base + "/login").read().decode()
    csrf = re.search(r'name="_csrf" value="([^"]+)"', html).group(1)
    form = urllib.parse.urlencode({"_csrf": csrf, "email": a.email, "password": a.password}).encode()
    opener.open(a.base + "/login", form).read()
    today = dt.date.today()
    print("| view | p50 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|")
    for label, path in views(today):
        times = []
        for i in range(a.warmup + a.runs):
            start = time.perf_counter()
            r = opener.open(a.base + path)
            body = r.read()
            ms = (time.perf_counter() - start) * 1000
            if r.status != 200:
                sys.exit(f"{path}: HTTP {r.status}")
            if i >= a.warmup:
                times.append(ms)
        times.sort()
        rank = lambda q: times[max(0, -(-len(times) * q // 100) - 1)]
        print(f"| {label} | {rank(50):.1f} | {rank(99):.1f} | {times[-1]:.1f} |", flush=True)


if __name__ == "__main__":
    main()
