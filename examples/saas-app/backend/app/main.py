"""Acme Notes API.

Local development uses postgres://notes:notes@localhost:5432/notes (see docker-compose.yml).
"""
import os

import redis
import stripe
from fastapi import FastAPI, Request
from openai import OpenAI
from sqlalchemy import create_engine, text

# import anthropic  -- we evaluated Claude in Q2, see ADR-7

app = FastAPI()
engine = create_engine(os.environ["DATABASE_URL"])
cache = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))
stripe.api_key = os.environ["STRIPE_SECRET_KEY"]
llm = OpenAI(api_key=os.environ["OPENAI_API_KEY"])


@app.get("/notes/{note_id}")
def get_note(note_id: int) -> dict:
    cached = cache.get(f"note:{note_id}")
    if cached:
        return {"id": note_id, "body": cached.decode()}
    with engine.connect() as conn:
        row = conn.execute(text("SELECT body FROM notes WHERE id = :id"), {"id": note_id}).one()
    cache.set(f"note:{note_id}", row.body, ex=300)
    return {"id": note_id, "body": row.body}


@app.post("/notes/{note_id}/summary")
def summarize(note_id: int) -> dict:
    note = get_note(note_id)
    reply = llm.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": f"Summarize: {note['body']}"}],
    )
    return {"summary": reply.choices[0].message.content}


@app.post("/billing/checkout")
def checkout(price_id: str) -> dict:
    session = stripe.checkout.Session.create(
        mode="subscription",
        line_items=[{"price": price_id, "quantity": 1}],
        success_url="https://notes.example.com/billing/done",
    )
    return {"url": session.url}


@app.post("/billing/webhook")
async def webhook(request: Request) -> dict:
    payload = await request.body()
    event = stripe.Webhook.construct_event(
        payload, request.headers["stripe-signature"], os.environ["STRIPE_WEBHOOK_SECRET"]
    )
    return {"received": event["type"]}
