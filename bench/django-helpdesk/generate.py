#!/usr/bin/env python3
"""Fills a fresh django-helpdesk database for the benchmark.

    generate.py N

One main queue with N tickets and three "noise" queues with N/10 each (queues are
django-helpdesk's nearest analogue of Aftersail's shops: Aftersail's bench database has the
demo shop with N tickets and three other shops with N/10), each ticket with 0-3 follow-ups
(with the description, 2.3 messages per ticket on average, as Aftersail's generator makes),
in the languages Aftersail's generator writes, including the four words the keyword-search
scenario looks for. Bulk inserts (bulk_create, 2,000 rows a statement), then the staff
superuser the load generator signs in as ("agent" / "bench-agent", DJHD_USER/DJHD_PASSWORD).
"""

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "djhd_bench.settings")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from helpdesk.models import FollowUp, Queue, Ticket  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

# (title, description, follow-up) per language; {o} is an order number.
TEXTS = [
    ("Wrong item in my parcel", "Hello, I received the wrong item for order {o}: a blue mug instead of the green one.", "Any news? I still have the wrong item here."),
    ("Where is my order {o}?", "Hello, I ordered two weeks ago and nothing has arrived yet. Tracking has not moved.", "Still nothing. Can you check with the carrier?"),
    ("Falsche Lieferadresse", "Guten Tag, die Lieferadresse meiner Bestellung {o} ist falsch. Bitte ändern.", "Hallo, gibt es schon eine Antwort zur Lieferadresse?"),
    ("订单还没有到", "你好，我的订单 {o} 已经两周了还没有收到，请帮我查一下物流。", "请问我的订单有进展吗？"),
    ("返品について", "注文 {o} の商品のサイズが合いませんでした。返品の方法を教えてください。", "返品の件、お返事をお待ちしています。"),
    ("Produit endommagé", "Bonjour, le produit de la commande {o} est arrivé endommagé. Je souhaite un remboursement.", "Bonjour, avez-vous reçu mes photos ?"),
    ("Reembolso pendiente", "Hola, devolví el pedido {o} hace un mes y no he recibido el reembolso.", "Hola, sigo esperando el reembolso."),
]
# django-helpdesk: 1 open, 2 reopened, 3 resolved, 4 closed; priority 1 critical .. 5 very low.
STATUS = [(15, 1), (3, 2), (25, 3), (57, 4)]
PRIORITY = [(7, 1), (18, 2), (60, 3), (15, 4)]
BATCH = 2000


def mix(n):
    """SplitMix64, as the Rust side uses: stable pseudo-random numbers per index."""
    z = (n + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return z ^ (z >> 31)


def pick(table, r):
    r %= 100
    for weight, value in table:
        if r < weight:
            return value
        r -= weight
    return table[-1][1]


def fill(queue, count, offset, now):
    tickets = []
    for i in range(count):
        n = offset + i
        r = mix(n)
        title, description, _ = TEXTS[r % len(TEXTS)]
        order = f"{100000 + n}"
        tickets.append(
            Ticket(
                title=title.replace("{o}", order)[:200],
                queue=queue,
                submitter_email=f"buyer{(r >> 20) % (count // 3 + 1)}@example.com",
                status=pick(STATUS, r >> 32),
                priority=pick(PRIORITY, r >> 40),
                description=description.replace("{o}", order),
            )
        )
    made = []
    for start in range(0, len(tickets), BATCH):
        made.extend(Ticket.objects.bulk_create(tickets[start : start + BATCH]))
    followups = []
    for i, ticket in enumerate(made):
        r = mix(offset + i)
        _, _, follow = TEXTS[r % len(TEXTS)]
        for k in range((r >> 48) % 4 if (r >> 52) % 3 else (r >> 48) % 2):
            followups.append(
                FollowUp(
                    ticket=ticket,
                    date=now,
                    title="Comment",
                    comment=follow,
                    public=True,
                )
            )
    for start in range(0, len(followups), BATCH):
        FollowUp.objects.bulk_create(followups[start : start + BATCH])
    return len(made), len(followups)


def main():
    n = int(sys.argv[1])
    started = time.monotonic()
    now = timezone.now()
    queues = [("Main shop", "main", n)] + [
        (f"Noise shop {k}", f"noise{k}", n // 10) for k in (1, 2, 3)
    ]
    offset, total_t, total_f = 0, 0, 0
    for title, slug, count in queues:
        queue = Queue.objects.create(
            title=title,
            slug=slug,
            allow_public_submission=True,
            allow_email_submission=False,
            email_box_type=None,
        )
        t, f = fill(queue, count, offset, now)
        offset += count
        total_t += t
        total_f += f
    # Ticket.created is auto_now_add (bulk_create cannot set it): spread the tickets over the
    # past year after the fact, and put each follow-up one hour after its ticket.
    with connection.cursor() as c:
        c.execute(
            "UPDATE helpdesk_ticket SET created = now() - ((id::int8 * 7919) % 31536000) * interval '1 second'"
        )
        c.execute("UPDATE helpdesk_ticket SET modified = created")
        c.execute(
            "UPDATE helpdesk_followup f SET date = t.created + interval '1 hour'"
            " FROM helpdesk_ticket t WHERE t.id = f.ticket_id"
        )
    user = os.environ.get("DJHD_USER", "agent")
    password = os.environ.get("DJHD_PASSWORD", "bench-agent")
    agent = get_user_model().objects.create_superuser(user, f"{user}@example.com", password)
    # The API token the load generator reads from the database (authtoken_token).
    Token.objects.create(user=agent)
    print(
        f"django-helpdesk: {total_t} tickets, {total_f} follow-ups in {len(queues)} queues "
        f"generated in {time.monotonic() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
