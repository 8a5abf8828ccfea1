#!/usr/bin/env python3
"""How SQLite answers the SMS sender's question "what has this dealership's day cost?" over many kept messages.

Applies notification's migrations (as SQL: `dotnet ef migrations script --project services/Dealership.Notification
--startup-project services/Dealership.Notification --context NotificationSqliteDbContext -o notif.sql`) to two fresh
files, one without the (DealershipId, SentAt, CostFen) index, fills each with 200,000 sent messages of five dealerships,
one a second, and prints each file's query plan and time per question. Usage: eng/sms-spending-plan.py notif.sql
"""
import os, random, sqlite3, sys, tempfile, time, uuid

INDEX = 'CREATE INDEX "IX_SmsMessages_DealershipId_SentAt_CostFen" ON "SmsMessages" ("DealershipId", "SentAt", "CostFen");'
QUERY = 'SELECT COALESCE(SUM("CostFen"), 0) FROM "SmsMessages" WHERE "DealershipId" = ? AND "SentAt" >= ?'

script = open(sys.argv[1], encoding="utf-8-sig").read()
if INDEX not in script:
    sys.exit("the script has no spending index: build services/Dealership.Notification before scripting its migrations")
guid = lambda: str(uuid.uuid4()).upper()
for with_index in (False, True):
    path = os.path.join(tempfile.mkdtemp(), "notification.db")
    db = sqlite3.connect(path)
    db.executescript(script if with_index else script.replace(INDEX, ""))
    columns = [row[1] for row in db.execute('PRAGMA table_info("SmsMessages")')]
    dealerships = [guid() for _ in range(5)]
    now = int(time.time() * 1e7)  # the UtcBinaryConverter's ticks are as good as any number for a range
    rows = []
    for i in range(200_000):
        row = dict.fromkeys(columns)
        row.update(Id=guid(), DealershipId=random.choice(dealerships), LeadId=guid(), Recipient="customer", Phone=f"139{i:08d}",
                   Template="invitation", Language="zh", Text="x" * 60, IdempotencyKey=str(i), Status="Sent",
                   CreatedAt=now - i * 10**7, SendAt=now - i * 10**7, SentAt=now - i * 10**7, CostFen=5, Attempts=1)
        rows.append(tuple(row[c] for c in columns))
    db.executemany(f'INSERT INTO "SmsMessages" ({", ".join(chr(34) + c + chr(34) for c in columns)}) VALUES ({", ".join("?" * len(columns))})', rows)
    db.commit()
    args = (dealerships[0], now - 86_400 * 10**7)
    plan = "; ".join(step[3] for step in db.execute("EXPLAIN QUERY PLAN " + QUERY, args))
    start, runs = time.perf_counter(), 100
    for _ in range(runs):
        day = db.execute(QUERY, args).fetchone()[0] // 5
    print(f"{'with' if with_index else 'without'} the index: {(time.perf_counter() - start) / runs * 1000:.2f} ms a question "
          f"({day:,} of the dealership's messages today, 200,000 kept): {plan}")
