"""Usage records and the provider names they carry."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple


class UsageRecord(NamedTuple):
    timestamp: dt.datetime  # timezone-aware
    provider: str  # our provider id (openai, anthropic, google-gemini, ...)
    model: str
    input_tokens: int  # all input tokens, cached ones included (OpenAI / OTel convention)
    output_tokens: int
    cached_tokens: int = 0  # cache reads, a subset of input_tokens
    cache_write_tokens: int = 0  # cache writes, a subset of input_tokens
    requests: int = 1
    request_id: str = ""
    consumer: str = ""
    source: str = ""  # file:line or endpoint, for messages
    cost: Decimal | None = None  # an amount the provider reported (cost endpoints); tokens are then 0


# gen_ai.provider.name / gen_ai.system values and common spellings -> our provider ids.
PROVIDER_ALIASES = {
    "openai": "openai", "anthropic": "anthropic",
    "gcp.gemini": "google-gemini", "gcp.vertex_ai": "google-gemini", "gcp.gen_ai": "google-gemini",
    "gemini": "google-gemini", "google": "google-gemini", "vertex_ai": "google-gemini", "google-gemini": "google-gemini",
    "aws.bedrock": "bedrock", "bedrock": "bedrock", "aws": "bedrock",
    "az.ai.openai": "azure-openai", "azure.ai.openai": "azure-openai", "azure": "azure-openai", "azure-openai": "azure-openai",
    "az.ai.inference": "azure-openai",
    "mistral_ai": "mistral", "mistral": "mistral", "mistralai": "mistral",
    "cohere": "cohere", "groq": "groq", "deepseek": "deepseek", "x_ai": "xai", "xai": "xai", "x-ai": "xai",
    "openrouter": "openrouter", "together": "together-ai", "together_ai": "together-ai", "together-ai": "together-ai",
    "fireworks": "fireworks", "perplexity": "perplexity", "ibm.watsonx.ai": "watsonx",
}
# our provider ids -> genai-prices provider ids
PRICE_PROVIDER = {
    "openai": "openai", "anthropic": "anthropic", "google-gemini": "google", "bedrock": "aws",
    "azure-openai": "azure", "mistral": "mistral", "cohere": "cohere", "groq": "groq", "deepseek": "deepseek",
    "xai": "x-ai", "openrouter": "openrouter", "together-ai": "together", "fireworks": "fireworks",
    "perplexity": "perplexity",
}


def normalise_provider(name: str) -> str:
    key = name.strip().lower()
    return PROVIDER_ALIASES.get(key, key)
