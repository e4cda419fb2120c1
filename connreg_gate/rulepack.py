"""Load YAML rule packs and compile them once into :class:`Rule` records.

A pack lists providers compactly (import names per language, package names per
ecosystem, URL schemes, env vars, hostnames, images, terraform resources, call
patterns); every entry expands to a rule with a stable id
``<provider>.<evidence>[.<language or ecosystem>]``. Packs may also carry
explicit ``rules`` with their own ``pattern`` and ``keywords``.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable, NamedTuple

from typing import TYPE_CHECKING

from connreg_gate.errors import RulePackError
from connreg_gate.literals import required_literals
from connreg_gate.models import Pattern, Provider, Rule

if TYPE_CHECKING:
    from connreg_gate import yamlio

RULE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_+-]*)+$")
PROVIDER_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

SOURCE_LANGUAGES = ("python", "javascript", "go", "java", "ruby", "php", "csharp")
ALL_SOURCE = frozenset(SOURCE_LANGUAGES)
# Where each evidence type is looked for (file classes come from discover/classify.py).
_SETTINGS = ALL_SOURCE | {"env", "deploy", "config", "shell"}
URL_CLASSES = ENV_CLASSES = _SETTINGS | {"terraform"}
HOST_CLASSES = _SETTINGS | {"html"}


def _alternation(escaped: list[str]) -> str:
    # Longest first, so the rule's text reads from most to least specific; the regex
    # backtracks either way.
    return "(?:" + "|".join(sorted(set(escaped), key=lambda e: (-len(e), e))) + ")"


def _escaped_alternation(words: Iterable[str]) -> str:
    """Literal words as one regex alternation, in the order given."""
    return "|".join(re.escape(w) for w in words)


# A helper named for loading an optional module, also as compiled TypeScript calls it:
# tryRequire('pg'), Midway's `(0, core_1.safeRequire)('@midwayjs/redis')`.
_SAFE_REQUIRE = r"\b(?:try|optional|lazy|safe)Require\)?\s*\(\s*"


def _js(modules: list[str], not_modules: Iterable[str] = ()) -> str:
    # One quote group for every module: with one template per module joined by "|",
    # each copy's \1 named the first copy's group, so only the first module matched.
    # A type-only import or re-export (`import type { SendMailOptions } from 'nodemailer'`)
    # names the library's types, not a runtime dependency. Optional drivers are loaded by
    # helpers named for the job: Sequelize's _loadDialectModule("snowflake-sdk"), NestJS's
    # loadPackage('ioredis', ...), tryRequire('pg') (compiled: `(0, core_1.safeRequire)('pg')`),
    # or named in a table the code imports
    # from at run time: LangChain's { package: "@langchain/groq", className: "ChatGroq" }.
    # CoffeeScript, read with these rules, requires without parentheses (`require 'redis'`).
    # A pack's imports_not names modules of the package that do not connect (Nodemailer's
    # MIME composer, imported by transports that send over an HTTP API).
    # A module given by its path inside a package may be named with its file's extension,
    # as Middy requires the AWS SDK v2's S3 client: require('aws-sdk/clients/s3.js').
    not_ = [re.escape(m) for m in not_modules]
    excluded = (r"(?!" + _alternation(not_) + r"(?:/index)?(?:\.js)?\1)") if not_ else ""
    return (r"""(?:^(?!\s*(?:import|export)\s+type\b).*?\bfrom\s*|\brequire\s*\(\s*|\brequire\s+|\bimport\s*\(\s*"""
            r"""|\bpackage\s*:\s*"""
            r"""|^\s*import\s+(?!type\b)|\b_?load\w*?(?:Module|Package|Dependency)\s*\(\s*"""
            r"""|""" + _SAFE_REQUIRE + r"""|\brequire(?:Optional|Lazy|Peer)\s*\(\s*)(['"`])""" + excluded
            + _alternation([re.escape(m) + (r"(?:\.js)?" if "/" in m else "") for m in modules])
            + r"""(?:/[^'"`]*)?\1""")


def _py(modules: list[str]) -> str:
    alt = _alternation([re.escape(m) for m in modules])
    alts = [
        r"^\s*from\s+" + alt + r"(?:\.[\w.]+)?\s+import\b",
        r"^\s*import\s+(?:[\w.]+(?:\s+as\s+\w+)?\s*,\s*)*" + alt + r"(?:\.[\w.]+)?(?:\s|,|$|;)",
        # imported by name at run time, as optional integrations are: importlib.import_module("twilio")
        r"\bimport_module\(\s*['\"]" + alt + r"(?:\.[\w.]+)?['\"]",
    ]
    for m in sorted(m for m in set(modules) if "." in m):  # from parent import last
        parent, last = m.rsplit(".", 1)
        alts.append(r"^\s*from\s+" + re.escape(parent) + r"\s+import\s+\(?\s*(?:\w+(?:\s+as\s+\w+)?\s*,\s*)*"
                    + re.escape(last) + r"\b")
    return "|".join(f"(?:{a})" for a in alts)


def _php_escape(m: str) -> str:
    return re.escape(m).replace(r"\\\\", r"\\")


# Each builds one regex for all of a provider's modules in one language.
IMPORT_TEMPLATES = {
    "python": _py,
    "javascript": _js,
    # not a driver's BSON package alone (gomaasapi's test service encodes with mgo's bson,
    # as a Python app may `import bson` without pymongo): it serialises, it does not connect
    "go": lambda ms: (r'^\s*(?:import\s+)?(?:[\w.]+\s+)?"' + _alternation([re.escape(m) for m in ms])
                      + r'(?:/(?!bson(?:/|"))[^"]*)?"'),
    "java": lambda ms: r"^\s*import\s+(?:static\s+)?" + _alternation([re.escape(m) for m in ms]) + r"(?:\.|;|\s|$)",
    "ruby": lambda ms: r"""^\s*require\s*\(?\s*['"]""" + _alternation([re.escape(m) for m in ms]) + r"""(?:/[^'"]*)?['"]""",
    "php": lambda ms: r"^\s*use\s+\\?" + _alternation([_php_escape(m) for m in ms]) + r"(?:\\|;|\s|,)",
    "csharp": lambda ms: (r"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?"
                          + _alternation([re.escape(m) for m in ms]) + r"(?:\.|;|\s)"),
}


def _import_keywords(lang: str, m: str) -> tuple[str, ...]:
    low = m.lower()
    if lang == "javascript":
        # no backtick: a package named in a template literal (import(`pg`)) is rare, and its
        # keywords would be a tenth of the automaton
        return tuple(q + low for q in ("'", '"'))
    if lang == "ruby":
        return ("'" + low, '"' + low)
    if lang == "go":
        return ('"' + low,)
    if lang == "php":
        return (low.replace("\\\\", "\\"),)
    if lang == "python":
        # The statement's own words come with the name: "together", "mysql" and "redis"
        # are on many lines that import nothing ("working together"), "import together"
        # only on imports. "from firebase_admin import auth" holds the parent.
        # Imports by name at run time are keyed on the top-level package
        # (import_module("google.cloud..." holds import_module("google): a keyword shared by
        # every module would run every import rule on each of Django's import_module() lines.
        top = low.split(".", 1)[0]
        keys = ["import " + low, "from " + low, 'import_module("' + top, "import_module('" + top]
        if "." in low:
            keys.append("from " + low.rsplit(".", 1)[0] + " import")
        return tuple(keys)
    return (low,)


class CompiledRules(NamedTuple):
    rules: tuple[Rule, ...]
    providers: dict[str, Provider]
    packs: tuple[str, ...]


def _compile(pattern: str, where: str, flags: int = 0, eager: bool = False) -> Pattern:
    """Wrap a regex; compiled at once for checked packs, otherwise on first use.

    Compiling all ~1,300 built-in patterns costs ~110 ms, most of the pre-commit
    budget; a staged-files run only ever needs the few whose keywords occur.
    """
    pat = Pattern(pattern, flags)
    if eager:
        try:
            pat.compiled()
        except re.error as exc:
            raise RulePackError(f"{where}: invalid regular expression {pattern!r}: {exc}") from None
    return pat


def _optional(spec: dict[str, Any], key: str, where: str, eager: bool) -> Pattern | None:
    """The pattern a rule's optional field holds (an unless_file), compiled as the others."""
    return _compile(spec[key], where, eager=eager) if key in spec else None


# Where a program reads an environment variable, NAME being the variable's pattern: a
# .env or compose line, then each language's accessor. The match's text is the name.
# Not a setting's type in a schema of settings (MediaGoblin's configobj spec lists
# Celery's: `REDIS_PORT = integer()`, `BROKER_URL = string(default=...)`).
_ENV_SETTING = r"(?:^\s*(?:export\s+|-\s*)?|\$\{)(?P<name>NAME)(?=\s*[:=](?!\s*[a-z_]+\()|\}|:-)"
_ENV_READ = (
    r"(?:(?:os\.environ(?:\.get)?\s*[\[(]|os\.getenv\(|\benv(?:\.\w+)?\(|\bgetenv\(|\bENV(?:\.fetch\()?\[?"
    r"|\$_(?:ENV|SERVER)\[|System\.getenv\(|GetEnvironmentVariable\(|os\.(?:Getenv|LookupEnv)\()\s*['\"]"
    r"|(?:process\.env|import\.meta\.env)(?:\.|\[\s*['\"])|\$\{)"
    r"(?P<name>NAME)"
)
# A comparison, a switch case or a prefix test against a driver's or provider's name (NAMES):
# code that branches on the database, cache or identity provider in use: $this->driver ===
# 'pgsql', case 'sqlsrv':, sessionStore === 'redis' (Keystone), dialect.name == "postgresql",
# dbName.startsWith("postgres"), dialect.name in ['postgresql', 'mssql'], Flask-AppBuilder's
# `if provider == "okta":`, NestJS's `dataSource.options.type === 'mongodb'`, and through a
# getter with one plain argument: Objection's `getDialect(knex) === 'postgresql'`, and a knex
# client's name tested for a driver: Backstage's `knex.client.config.client.includes('sqlite3')`,
# and a sign-in provider's id: SuperTokens' `thirdPartyId.startsWith("okta")`; Ralph's
# `backend_name == 'postgresql'`.
_DRIVER_CHECK = (
    r"(?:(?:driver|driver_?name|dialect|adapter|db_?type|database_?type|engine|vendor|client|store|phptype|provider"
    r"|third_?party_?id|backend_?(?:name|type)"
    r"|(?:options|config|self|this)\.type)(?:\.name)?(?:\([\w$.]*\))?\s*[=!]==?\s*"
    # PHP's switch also takes a parenthesised label: Phing's dbdeploy `case('mysql'):`
    # or a connection URL's start: Optuna's `if not url.startswith("mysql"):`
    r"|\bcase\s+|\bcase\s*\(\s*|(?:driver|dialect|db_?name|database_?name|db_?type|vendor|product_?name|client"
    r"|third_?party_?id|\b(?:db_?|database_?|engine_?|storage_?|connection_?)?(?:url|uri|dsn))\w*(?:\(\))?"
    r"\.(?:startsWith|startswith|contains|includes|HasPrefix)\(\s*)['\"](?:NAMES)['\"]"
    r"|\b(?:dialect\.name|provider)\s+(?:not\s+)?in\s*[\[(][^\])]*['\"](?:NAMES)['\"]"
    # a driver's name looked for in a connection string: LinOTP's `if 'sqlite' not in sqlConnect:`
    r"|['\"](?:NAMES)['\"]\s+(?:not\s+)?in\s+[\w.]*?(?:connect|url|uri|dsn|driver|dialect|engine)\w*"
    # a flag named for the database in use: Papermerge's `if config.has_mysql:`, oTree's
    # `is_postgres = ...`, Ironic's `is_ironic_using_sqlite()`
    r"|\b(?:is|has|using)_(?:\w+_)?(?:NAMES)\b(?!\s*=\s*(?:False|false|None|nil)\b)"
    # Ruby's branch on a symbol: Moneta's `case backend.database_type` / `when :postgres`
    r"|\bwhen\s+:(?:NAMES)\b"
    # and on a string, alone or first in a list: delayed_job_active_record's
    # `case connection.adapter_name` / `when "PostgreSQL", "PostGIS"`
    r"|\bwhen\s+(?:['\"][\w ]*['\"]\s*,\s*)*['\"](?:NAMES)['\"]"
    # a list of names a dialect or client is looked up in: connect-session-knex's
    # `["postgresql"].indexOf(knex.client.dialect) > -1`, Sequelize's `["mysql", "mariadb"].includes(dialect)`
    r"|\[(?:\s*['\"][\w ]*['\"]\s*,)*\s*['\"](?:NAMES)['\"]\s*(?:,\s*['\"][\w ]*['\"]\s*)*\]\s*"
    r"\.(?:indexOf|includes)\(\s*[\w$.]*?(?:dialect|driver|client|adapter|db_?type|engine)\w*\s*\)"
    # a default dialect or driver name: rasa's `dialect: Text = "sqlite"`, sopel's
    # `drivername = config.core.db_driver or 'mysql'`
    r"|\b(?:dialect|driver_?name)\s*(?::\s*[\w\[\]., ]+?\s*)?=\s*(?:[\w.()]+\s+or\s+)?['\"](?:NAMES)['\"]"
    # PEAR DB and MDB2 settings name one database per connection: 'phptype' => 'mysql'
    r"|['\"]phptype['\"]\s*=>\s*['\"](?:NAMES)['\"]"
    # SQL compiled for one dialect: SQLAlchemy's `@compiler.compiles(group_concat, 'postgresql')`
    # (Monasca)
    r"|@(?:\w+\.)?compiles\(\s*[\w.]+\s*,\s*['\"](?:NAMES)['\"]"
    # Java's literal-first test: "PostgreSQL".equals(databaseProductName) (Spring's JDBC metadata)
    r"|['\"](?:NAMES)['\"]\.equals(?:IgnoreCase)?\(\s*[\w.]*?(?:product|driver|dialect|database|vendor|db)\w*\s*\)"
)
# A class written for one database: Quartz's MSSQLDelegate, Spring's
# SqlServerMaxValueIncrementer, Laravel's MySqlConnection and PostgresGrammar, gorp's
# `type PostgresDialect struct` in Go, peewee's `class CockroachDatabase`.
_DRIVER_CLASS = (
    r"\b(?:class|type)\s+(?:NAMES)\w*?(?:Delegate|Dialect|Incrementer|Platform|Grammar|Processor|Connector|Connection"
    r"|Adapter|Driver|Builder|Store|Storage|Backend|Engine|Repository|Proxy|Client|Queue|Broker|Transport|Database"
    r"|Collector)\b"
    # not an exception named after an error condition: Psycopg's SQLSTATE classes
    # (`class SqlserverRejectedEstablishmentOfSqlconnection(OperationalError,`)
    r"(?!\s*\(\s*[\w.]*(?:Error|Exception)\s*[,)])"
    # nor an empty class standing in for one: the TypeORM driver for NativeScript's SQLite
    # declares `export class MongoDriver {` and `}` for each driver it replaces, so a bundler
    # can alias them away (the rule reads on into the next line for the closing brace, so
    # a line's end below is matched as `(?m:$)`)
    r"(?!\s*\{\s*\})"
    # or a cache kept in one, named for it alone: Tweepy's `class RedisCache(Cache)` and
    # MemCacheCache, requests-cache's SQLiteCache (not a kind of cache a bundled library
    # offers, as Commons JCS's MySQLDiskCache in JOSM's tree)
    r"|\b(?:class|type)\s+(?:NAMES)Cache\b"
    # or named for it alone, as a per-database layer is: HOMER's `namespace Database\Layer;
    # class sqlite {`
    r"|\bclass\s+(?:NAMES)(?=\s*(?:\bextends\b|\bimplements\b|\(|\{|:|(?m:$)))"
    # but not a TypedDict, which only describes a dict's keys: E2B's catalog of MCP servers
    # types each one's settings (`class Redis(TypedDict, closed=True):`, `class Okta(...)`)
    r"(?!\s*\(\s*(?:typing\.)?TypedDict\b)(?!\s*\{\s*\})"
)
# The role first and the database last: rate-limiter-flexible's `class RateLimiterDynamo`,
# Keyv's `class KeyvRedis`.
_DRIVER_LAST_ROLES = ("Limiter", "Store", "Storage", "Backend", "Adapter", "Cache", "Driver", "Keyv")
_DRIVER_CLASS_LAST = r"\bclass\s+\w*?(?:" + "|".join(_DRIVER_LAST_ROLES) + r")(?:NAMES)\b"
# PHP's PEAR-style names end with the driver: Horde's `class Horde_Cache_Storage_Mongo`,
# Zend 1's `class Zend_Db_Adapter_Mysqli`.
_PEAR_DRIVER_CLASS = (
    r"\bclass\s+[A-Z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*_(?:NAMES)\b"
    # and in namespaces: a driver's class imported from a role's namespace, or a test for
    # one (icingadb-web's `use ipl\Sql\Adapter\Pgsql;` and `$adapter instanceof Pgsql`)
    r"|^\s*use\s+\\?(?:\w+\\)+(?:Adapters?|Drivers?|Platforms?|Connections?|Grammars?|Storage|Backends?|Cache"
    r"|Stores?|Dialects?|Databases?|Db)\\(?:NAMES)\w*\s*[;,{]"
    r"|\binstanceof\s+\\?(?:\w+\\)*(?:NAMES)\b"
)

# A Python module written for one backend, imported from a package: Monasca's
# `from monasca_common.kafka import client_factory`, `from celery.backends.redis import`,
# `import cloudkitty.storage.v2.elasticsearch`, the app's own `from .storage.mongodb import`.
# The name is a later part of the path (never the first: that is the driver's own
# package, which the import rules know), whole or before an underscore (`sqlite_lock`).
# Not a path that only describes or imitates the service: a schema of the protocol
# (FastStream's AsyncAPI `specification...schema.bindings.sqs` models an SQS channel for
# documents it writes),
_NOT_THE_SERVICE_PATH = (r"(?![\w.]*?\b(?:schemas?|specification|bindings)\.)"
                 # nor django.contrib.postgres's helpers, which backends for other databases
                 # borrow (django-clickhouse-backend's array fields import its validators)
                 r"(?!django\.contrib\.postgres\.(?:utils|validators)\b)"
                 # nor a package that imitates the service: moto's and LocalStack's emulated
                 # backends (`from moto.s3.models import s3_backends`), a mocks or fakes package
                 r"(?!(?:moto|localstack)\.)(?![\w.]*?\b(?:mocks?|fakes?)\.)"
                 # nor a package's private copy of another library, kept for its code:
                 # sqlalchemy-bigquery borrows PostgreSQL's compiler from
                 # sqlalchemy_bigquery_vendored.sqlalchemy.postgresql for BigQuery's SQL
                 r"(?![\w.]*?_vendored\.)"
                 # nor a secrets manager's wrappers of its own endpoints, named for what the
                 # manager connects to: hvac's `hvac.api.auth_methods.okta` calls Vault's Okta
                 # login, `hvac.api.secrets_engines.rabbitmq` Vault's RabbitMQ credentials
                 r"(?![\w.]*?\b(?:auth_methods|secrets_engines)\.)")
_DRIVER_MODULE = (
    r"^\s*from\s+" + _NOT_THE_SERVICE_PATH + r"\.*(?:\w+\.)+(?:NAMES)(?:_\w+)?(?:\.[\w.]+)?\s+import\b"
    r"|^\s*from\s+\.+(?:NAMES)(?:_\w+)?(?:\.[\w.]+)?\s+import\b"
    r"|^\s*import\s+" + _NOT_THE_SERVICE_PATH + r"(?:\w+\.)+(?:NAMES)(?:_\w+)?(?:\.[\w.]+)?(?:\s|,|$|;)"
    # OpenStack's driver modules, named impl_<backend> and imported from their package:
    # Ceilometer's `from oslo_messaging._drivers import impl_rabbit`, TaskFlow's impl_redis
    r"|^\s*from\s+(?:\w+\.)*\w+\s+import\s+\(?\s*(?:\w+\s*,\s*)*impl_(?:NAMES)\b"
    r"|^\s*(?:from|import)\s+(?:\w+\.)+impl_(?:NAMES)\b"
)
# A class named by its dotted path in a module written for one backend, as settings and
# factories pick one: Canaille's `return "dramatiq.brokers.redis:RedisBroker"`, Django's
# "django.core.cache.backends.redis.RedisCache", mem0's `"mongodb": "mem0.vector_stores.mongodb.MongoDB"`.
# Not a bare item of a list of paths: a catalog of backends (django-cachalot's supported
# caches). As in the model-id rule, no comment may come before the path.
# From a line's start to a quoted value on it, when the line is not a bare quoted item of a
# list (a catalog), nor a member of a TypeScript union of them (Telnyx's `| 'xai/grok-stt'`)
# or a property typed as one (`transcription_model?: 'cohere/ar-stt';` in an interface),
# and no comment comes first, a block comment opened on the line included (Sanity's
# `/** @description ... groq/functions ... */`): the comment check is made where a match
# starts, the line's start here, so it cannot see a comment before the value.
_QUOTED_IN_CODE = (r"^(?!\s*(?:\|\s*)?[\"'`][^\"'`\n]*[\"'`]\s*[,;]?\s*$)"
                   r"(?!\s*\w+\??\s*:\s*[\"'][^\"'\n]*[\"']\s*;\s*$)(?:(?!#|//|/\*).)*?")
_DRIVER_PATH = _QUOTED_IN_CODE + r"[\"'](?:\w+\.)+(?:NAMES)(?:_\w+)?[.:][A-Z]\w*[\"']"
# OpenStack's driver modules named impl_<backend> (oslo.messaging, TaskFlow, tooz).
_IMPL_DRIVERS = frozenset({"rabbit", "rabbitmq", "kafka", "redis", "memcached", "mongodb", "mysql", "postgres",
                           "sqlite", "sqlalchemy"})
# A JavaScript module that is a package's one backend, named by its directory of backends;
# the directory words (with their "/") are also the rule's keywords.
_JS_DRIVER_DIR_WORDS = ("transport", "driver", "adapter", "store", "backend", "broker", "connector", "dialect")
_JS_DRIVER_DIRS = [w + plural + "/" for w in _JS_DRIVER_DIR_WORDS for plural in ("", "s")]
# Or a framework's package for it, scoped and named for the backend alone: Midway's
# `(0, core_1.safeRequire)('@midwayjs/redis')`, `import fastifyRedis from '@fastify/redis'`.
_JS_DRIVER_SUBPATH = (r"(?:^(?!\s*(?:import|export)\s+type\b)\s*(?:import|export)\b[^\n]*?\bfrom\s*['\"]|\brequire\(\s*['\"]"
                      r"|" + _SAFE_REQUIRE + r"['\"])(?:[@\w.-]+(?:/[\w.-]+)*/(?:"
                      + "|".join(w + "s?" for w in _JS_DRIVER_DIR_WORDS) + r")/|@[\w.-]+/)(?:NAMES)(?:\.[cm]?js)?['\"]")
# and Ruby's, a file for one backend required by its path, also as an adapter's file name
# (activerecord-import's `require "active_record/connection_adapters/sqlite3_adapter"`)
_RUBY_DRIVER_SUBPATH = (r"^\s*require(?:_relative)?\s*\(?\s*['\"](?:[\w.-]+/)*(?:"
                        + "|".join(w + "s?" for w in _JS_DRIVER_DIR_WORDS) + r"|connection_adapters)/(?:NAMES)"
                        r"(?:_(?:" + "|".join(_JS_DRIVER_DIR_WORDS) + r"))?['\"]")
# A sign-in provider an auth library or app defines or imports for an identity service:
# django-allauth's `class OktaProvider` with `id = "okta"`, Python Social Auth's `class
# Auth0OAuth2`, Sentry's `class OktaSAML2Provider`, NextAuth's `id: "okta"` and `next-auth/providers/okta`, goth's
# `providerName: "auth0"`. CLASSES and IDS come from the provider's signin_names.
_SIGNIN = (
    r"\bclass\s+(?:CLASSES)(?:(?:OAuth2?|OIDC|OpenI[Dd]Connect|SAML2?)(?:Provider|Adapter|Strategy|Backend)?|Provider|Adapter"
    r"|Strategy|Backend)\b"
    r"|\b(?:id|provider_?name|providerName|ProviderName)\s*(?::=|[:=])\s*['\"](?:IDS)['\"]"
    # imported from an auth library's providers: import Auth0Provider from "next-auth/providers/auth0",
    # from crewai_core.auth.providers.okta import OktaProvider
    r"|\b(?:import|from|require)\b[^\n]*?\b(?:providers|backends)[/.](?:IDS)(?![\w-])"
    # a table of providers keyed by id, each required from its own module: @hapi/bell's
    # lib/providers/index.js `auth0: require('./auth0'),`
    r"|^\s*['\"]?(?:IDS)['\"]?\s*:\s*require\(\s*['\"]\.{1,2}/(?:[\w.-]+/)*(?:IDS)(?:\.js)?['\"]\s*\)"
    # a name that puts OAuth before the provider, one handler or config per provider:
    # nuxt-auth-utils' `defineOAuthAuth0EventHandler`, `OAuthCognitoConfig`. Not a method
    # that only sets a provider up elsewhere (Appwrite's `updateOAuth2Auth0(...)`).
    r"|\b(?:define)?OAuth2?(?:CLASSES)(?:Event)?(?:Handler|Config|Provider|Strategy|Client|Options)\b"
    # a provider preset named by its id and built by the library's factory: nuxt-oidc-auth's
    # `export const auth0 = defineOidcProvider({ authorizationUrl: "authorize", ... })`
    r"|\b(?:const|let|var)\s+(?:IDS)\s*=\s*define\w*Provider\s*\("
)
# A service's command-line client run by the app, its program first among the arguments:
# Manila's Ganesha driver `self.execute("sqlite3", db_path, ...)`, pghoard's
# `subprocess.check_output(["psql", ...])`, Go's `exec.Command("sqlite3", args...)`.
# Or a command named for what it runs, the program its value or default: borgmatic's
# `database.get('mysql_command') or 'mysql'`, `dump_command = 'pg_dump'`, and
# `command = (` then `'sqlite3',` (the scanner joins a line opening a call to the next).
# NAMES come from cli_names.
_CLI = (r"\b(?:[\w.]*execute|exec\.Command(?:Context)?|Popen|check_output|check_call|call|run|spawn(?:Sync)?"
        r"|execFile(?:Sync)?|system)\s*\(\s*\[?\s*(?:ctx\s*,\s*)?[\"'](?:NAMES)[\"']\s*[,)]"
        # (no `\b\w*` before the name: searched on every line quoting a client's name, it
        # was tried at each word; where the name starts does not matter)
        r"|(?:command|cmd|Command|Cmd)\b[\"']?\s*\)?\s*(?:=|\bor\b|\|\||\?\?)\s*[\[(]?\s*[\"'](?:NAMES)[\"']")
# An entry of an OAuth provider table keyed by id, opening its settings, in code or in
# JSON: Grant's config/oauth.json `"cognito": {"authorize_url": ...`, an app's Grant config.
_SIGNIN_KEY = r"^\s*[\"'](?:IDS)[\"']\s*:\s*\{"
# Where a quoted owner/name is a source repository, not a model id: after a repo or
# repository key (a prompt's `{"repo": "huggingface/transformers", "path": ""}`, a
# `github_repo=`, `Repo: `). Fixed-width lookbehinds, one per spelling of the key, in any case.
# Tried only where a quote opens, so that the line's other characters cost one test.
_NOT_A_REPOSITORY = r"(?=[\"'`])" + "".join(rf"(?<!(?i:{key}){sep})" for key in ("repo", "repository")
                                         for sep in ('": ', "': ", '":', "':", ": ", "=", " = "))
# An LLM provider's id next to a name that says it is one (see model_prefixes): a
# wrapper's registration or a branch on the provider in use. IDS are the provider's prefixes.
# Or the provider a model is served by: LangChain's `init_chat_model(..., model_provider="openai")`,
# GraphRAG's `DEFAULT_MODEL_PROVIDER = "openai"`.
_PROVIDER_NAME = (r"(?:\b__provider_name__|\bprovider_(?:name|id)|\bprovider(?:Name|Id)|\bllm_provider"
                  r"|(?:\b|(?<=_))(?:model_provider|MODEL_PROVIDER)|\bmodelProvider)\b"
                  r"[^\n]{0,30}?[\"'`](?:IDS)[\"'`]")
# A class for one vendor, built or defined: Novu's `new providers_1.SendgridEmailProvider(`,
# `new SESClient(`, Laravel's `class MailgunTransport`. NAMES come from client_classes.
_CLIENT_CHANNELS = ("Email", "Mail", "Sms", "SMS", "Text", "Push", "Chat", "Api", "API", "Payment", "Billing",
                    "Webhook", "Webhooks", "Event", "Events")
_CLIENT_ROLES = ("Provider", "Transport", "Adapter", "Client", "Backend", "Sender", "Mailer", "Gateway", "Driver")
# A webhook or event handler named for the vendor: django-post_office's
# `class SESWebhookHandler`, a `StripeWebhookHandler`. Not any handler: Resend is also a
# verb (`ResendVerificationHandler`).
_CLIENT_HANDLER = r"(?:Webhooks?|Events?)Handler"
# Up to three words may stand between the vendor and the role: Griptape's
# `class DatadogObservabilityDriver`, `AmazonSqsEventListenerDriver`. Not a test double's
# (`StripeMockClient`).
_CLIENT_CLASS = (
    r"\b(?:new\s+(?:[\w$]+\.)*|class\s+)(?:NAMES)(?:" + "|".join(_CLIENT_CHANNELS)
    + r"|(?!Mock|Fake|Stub|Dummy|Test)[A-Z][a-z0-9]+){0,3}"
    r"(?:" + "|".join(_CLIENT_ROLES) + "|" + _CLIENT_HANDLER + r")\b"
)


def _client_class_keywords(names: list[str]) -> tuple[str, ...]:
    """A long vendor name is its own keyword; a short one ("ses", in "uses" and
    "classes") only with the word after it (sesclient, sesemail)."""
    keys: set[str] = set()
    for name in names:
        low = name.lower()
        if len(low) >= 6:
            keys.add(low)
        else:
            keys.update(low + nxt.lower() for nxt in _CLIENT_CHANNELS + _CLIENT_ROLES)
    return tuple(sorted(keys))


ANY_ECOSYSTEM = "*"  # a dependency rule keyed on name parts (package_tokens), for every ecosystem


def _norm_pkg(ecosystem: str, name: str) -> str:
    name = name.strip().lower()
    if ecosystem == "pypi":
        name = re.sub(r"[-_.]+", "-", name)
    return name



# A template placeholder inside a URL or host: {region}, ${host}, Ruby's #{options[:region]}.
_PLACEHOLDER = r"[#$]?\{[\w.\[\]'\"():@ +-]*\}"


def _host_regex(host: str) -> str:
    """A host entry as a regex: any subdomain may precede it (the rule only asks that no
    letter, digit or dash does, so it starts on a literal that ``re`` can skip ahead to),
    and an inner ``*`` is one DNS label (or a placeholder for one): ``s3.*.backblazeb2.com``
    is B2's S3 endpoint, not its native API."""
    # the label may be a placeholder: f"https://email.{region}.amazonaws.com",
    # `sns.${region}.amazonaws.com`, Ruby's "sqs.#{options[:region]}.amazonaws.com"
    label = r"(?:[\w-]+|" + _PLACEHOLDER + ")"
    return label.join(re.escape(part) for part in host.lstrip("*.").split("*"))


_PUBLIC_FILE = (r"(?!/[^\s'\"`<>()]*?\.(?:png|jpe?g|gif|svg|ico|webp"
                 # or a model or archive downloaded from a public bucket: Chroma's default
                 # embedding model at chroma-onnx-models.s3.amazonaws.com/.../onnx.tar.gz
                 r"|onnx|tar\.gz|tgz|zip|bin|pt|safetensors"
                 # or a script, style sheet or font served from one (tDiary's Yo button at
                 # //yoapp.s3.amazonaws.com/js/yo-button.js)
                 r"|js|css|woff2?|ttf)(?![\w.]))")


def _not_under(host: str, excluded: Iterable[str]) -> str:
    """Look-behinds that keep ``host`` from matching as the tail of a host another
    service of the same vendor answers on: upstash.io is Upstash's Redis, but
    qstash.upstash.io is its message queue (``hosts_not`` in a pack)."""
    return "".join(f"(?<!{re.escape(x[: -len(host)])})" for x in excluded
                   if x.lower().endswith("." + host.lower()))


def _host_keyword(host: str) -> str:
    """The prefilter keyword of a host entry. For ``sqs.*.amazonaws.com`` it is the
    service label before the wildcard ("sqs."): "amazonaws.com" is on thousands of
    lines of an AWS SDK (12,789 in the bench corpus, "sqs." on 69), and every rule
    keyed on it would run there. Otherwise, the longest literal part."""
    parts = host.lower().lstrip("*.").split("*")
    if len(parts) > 1 and len(parts[0]) >= 3:
        return parts[0]
    return max((part.strip(".") for part in parts), key=len)


def _own_domains(pid: str, hosts: list[str]) -> tuple[str, ...]:
    """The registered domains among ``hosts`` that carry the provider's own name
    (mixpanel.com for api.mixpanel.com, oktapreview.com for Okta), so that any host under
    them is the vendor's. Shared clouds' domains (amazonaws.com for SES, googleapis.com
    for Gemini, azure.com for Azure OpenAI) are left out: their other hosts are other
    services'."""
    name = pid.replace("-", "")
    found = set()
    for host in hosts:
        labels = host.split("/", 1)[0].split(".")
        if "*" not in host and len(labels) >= 2 and labels[-2].replace("-", "").startswith(name):
            found.add(".".join(labels[-2:]).lower())
    return tuple(sorted(found))


def _joined(given: dict[str, list[str]], derived: dict[str, list[str]]) -> dict[str, list[str]]:
    """A pack's names per language or ecosystem, with the names derived for it appended."""
    return {key: list(given.get(key) or []) + derived.get(key, []) for key in given.keys() | derived.keys()}


def _aws_cdk_modules(services: list[str]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The modules and packages through which the AWS CDK provisions a service, from the
    service's CDK name (``aws-s3``, ``aws-sns-subscriptions``): v2's aws-cdk-lib/aws-s3 and
    v1's @aws-cdk/aws-s3 in TypeScript, aws_cdk.aws_s3 in Python,
    software.amazon.awscdk.services.sns.subscriptions in Java (v1's Maven artifact
    software.amazon.awscdk:sns-subscriptions) and awscdk/v2/awssnssubscriptions in Go; C#'s
    namespaces are matched by _expand_provider. An app that declares a bucket, table, queue
    or topic in its CDK stack uses it, as a Terraform resource does."""
    imports: dict[str, list[str]] = {"javascript": [], "python": [], "java": [], "go": []}
    packages: dict[str, list[str]] = {"npm": [], "pypi": [], "maven": []}
    for svc in services:
        name = svc.removeprefix("aws-")  # sns-subscriptions
        imports["javascript"] += ["aws-cdk-lib/" + svc, "@aws-cdk/" + svc]
        imports["python"].append("aws_cdk." + svc.replace("-", "_"))
        imports["java"].append("software.amazon.awscdk.services." + name.replace("-", "."))
        flat = "aws" + name.replace("-", "")  # awssnssubscriptions
        imports["go"] += ["github.com/aws/aws-cdk-go/awscdk/v2/" + flat, "github.com/aws/aws-cdk-go/awscdk/" + flat]
        packages["npm"].append("@aws-cdk/" + svc)
        packages["pypi"].append("aws-cdk." + svc)
        packages["maven"].append("software.amazon.awscdk:" + name)
    return imports, packages


def _expand_provider(pack: str, spec: dict[str, Any], where: str, eager: bool) -> tuple[Provider, list[Rule]]:
    pid = spec["provider"]
    if not PROVIDER_ID.match(pid):
        raise RulePackError(f"{where}: provider id {pid!r} must be lowercase letters, digits and dashes")
    rules: list[Rule] = []
    cdk = spec.get("aws_cdk") or []
    cdk_imports, cdk_packages = _aws_cdk_modules(cdk)
    all_imports = _joined(spec.get("imports") or {}, cdk_imports)
    all_packages = _joined(spec.get("packages") or {}, cdk_packages)
    for lang, modules in sorted(all_imports.items()):
        if not modules:
            continue
        # One regex per provider and language: fewer compiles on the pre-commit path.
        template = IMPORT_TEMPLATES[lang]
        keywords = tuple(sorted({kw for m in modules for kw in _import_keywords(lang, m)}))
        # imports_not is JavaScript's only (the schema says so), and only _js takes it
        not_modules = (spec.get("imports_not") or {}).get(lang)
        regex = _js(list(modules), not_modules) if not_modules else template(list(modules))
        rules.append(Rule(
            id=f"{pid}.import.{lang}", provider=pid, evidence="import", confidence="strong",
            file_classes=frozenset({lang}), keywords=keywords,
            pattern=_compile(regex, where, eager=eager), pack=pack,
        ))
    if cdk:
        # The CDK's Python modules as items of a parenthesised import, one to a line, as
        # `cdk init` writes them (`from aws_cdk import (` then `    aws_s3 as s3,`), and
        # its C# namespaces (Amazon.CDK.AWS.S3, Amazon.CDK.AWS.DynamoDB: the service's
        # name in its own capitals, so matched without regard to case)
        names = [svc.replace("-", "_") for svc in cdk]
        rules.append(Rule(
            id=f"{pid}.import.python_cdk", provider=pid, evidence="import", confidence="strong",
            file_classes=frozenset({"python"}), keywords=tuple(sorted(names)),
            pattern=_compile(r"^\s*" + _alternation([re.escape(n) for n in names])
                             + r"(?:\s+as\s+\w+)?\s*,?\s*\)?\s*(?:#.*)?$", where, eager=eager), pack=pack,
        ))
        namespaces = ["amazon.cdk.aws." + svc.removeprefix("aws-").replace("-", ".") for svc in cdk]
        rules.append(Rule(
            id=f"{pid}.import.csharp_cdk", provider=pid, evidence="import", confidence="strong",
            file_classes=frozenset({"csharp"}),
            keywords=tuple(sorted({kw for n in namespaces for kw in _import_keywords("csharp", n)})),
            pattern=_compile(IMPORT_TEMPLATES["csharp"](namespaces), where, re.IGNORECASE, eager=eager), pack=pack,
        ))
    for ecosystem, names in sorted(all_packages.items()):
        rules.append(Rule(
            id=f"{pid}.dependency.{ecosystem}", provider=pid, evidence="dependency", confidence="strong",
            file_classes=frozenset({"manifest"}), keywords=(), pattern=None, ecosystem=ecosystem,
            packages=tuple(_norm_pkg(ecosystem, n) for n in names), pack=pack,
        ))
    tokens = spec.get("package_tokens") or []
    if tokens:
        # A dependency of any ecosystem whose name has a part starting with the provider's
        # name: plugin and wrapper packages (@directus/storage-driver-cloudinary,
        # matrix-synapse-ldap3, django-redis). "perfect-scrollbar" is not rollbar.
        rules.append(Rule(
            id=f"{pid}.dependency.named", provider=pid, evidence="dependency", confidence="medium",
            file_classes=frozenset({"manifest"}), keywords=(), pattern=None, ecosystem=ANY_ECOSYSTEM,
            packages=tuple(t.lower() for t in tokens), pack=pack,
            not_packages=tuple(n.lower() for n in spec.get("package_tokens_not") or ()),
        ))

    def template_call(name: str, pattern: str, keywords: Iterable[str], flags: int = 0, confidence: str = "medium",
                      kind: str = "call", file_classes: frozenset[str] = ALL_SOURCE, lines_after: int = 0) -> None:
        """A call rule a provider field expands into (model_prefixes, driver_names, ...)."""
        rules.append(Rule(
            id=f"{pid}.{kind}.{name}", provider=pid, evidence="call", confidence=confidence, file_classes=file_classes,
            keywords=tuple(sorted(set(keywords))), pattern=_compile(pattern, where, flags, eager=eager), pack=pack,
            lines_after=lines_after,
        ))

    prefixes = spec.get("model_prefixes") or []
    if prefixes:
        # A model named with its provider's prefix, as LiteLLM and the frameworks built on
        # it route calls: "groq/llama-3.1-70b-versatile", model: bedrock/anthropic.claude-3.
        # Case-sensitive, and never "openai/": Hugging Face model ids such as
        # openai/whisper-large-v3 run locally.
        model = r"(?:" + _escaped_alternation(prefixes) + r")/[\w.:@-]*\w"
        keywords = [p.lower() + "/" for p in prefixes]
        # In code, a quoted id counts unless it is a bare item of a list of ids: a catalog of
        # what another gateway hosts (Mastra's GitHub Models entry lists "cohere/command-a"),
        # or a key: one opening its own table of facts, a table of model profiles or prices
        # (LangChain Vertex's `"xai/grok-4.1-fast": {"name": ...}`), one mapped to a display
        # name, or a vendor's namespaced key (an MCP tool's `_meta: {"anthropic/alwaysLoad": true}`,
        # the colon right after the quote; a ternary's ` : ` has spaces). Nor is it an id when a
        # repository key names it: `{"repo": "huggingface/transformers"}` is on GitHub.
        # The second form is _QUOTED_IN_CODE's: no comment may come before the id.
        template_call("model_prefix", r"\bmodel(?:_name|_id)?\s*[:=]\s*[\"'`]?" + model
                      + r"|" + _QUOTED_IN_CODE + _NOT_A_REPOSITORY + r"[\"'`]" + model
                      + r"(?![\w.:@-]*[\"'`](?::|\s*:\s*[{\[]))", keywords)
        # In settings files only a model key counts: a price list naming every provider's
        # models ("name": "mistral/codestral-2508", Phoenix's cost manifest) is not usage.
        template_call("model_prefix", r"\b(?:model|MODEL)(?:_name|_id|_NAME|_ID)?[\"']?\s*[:=]\s*[\"']?" + model,
                      keywords, kind="config", file_classes=_SETTINGS - ALL_SOURCE)
    # Code registered or branching under the provider's id, as LLM frameworks key their
    # wrappers: Evidently's `__provider_name__: ClassVar = "anthropic"` and
    # `@llm_provider("mistral", None)`, `if provider_id == "groq":`. The ids are the model
    # prefixes and any provider_ids (OpenAI's, which is never a model prefix).
    provider_ids = sorted(set(prefixes) | set(spec.get("provider_ids") or []))
    if provider_ids:
        template_call("provider_name", _PROVIDER_NAME.replace("IDS", _escaped_alternation(provider_ids)),
                      ["provider_name", "provider_id", "providername", "providerid", "llm_provider", "model_provider",
                       "modelprovider"])
    drivers = spec.get("driver_names") or []
    if drivers:
        # Code that branches on the database in use (see _DRIVER_CHECK). A config listing
        # drivers ('driver' => 'pgsql') does not count: frameworks list all they support.
        alt = _escaped_alternation(drivers)
        template_call("driver_check", _DRIVER_CHECK.replace("NAMES", alt),
                      [q + d for d in drivers for q in ("'", '"', ":", "is_", "has_", "using_")], re.IGNORECASE)
        # Ruby's branch on the adapter's name by pattern: Ahoy's `case adapter_name` /
        # `when /postgres|postgis/` (its own rule: its "/name" keywords would otherwise bring
        # the whole check to every URL path in every language)
        template_call("driver_check_pattern", r"\bwhen\s+/(?:[\w ]*\|)*(?:" + alt + r")(?:\|[\w ]*)*/",
                      ["/" + d for d in drivers], re.IGNORECASE, file_classes=frozenset({"ruby"}))
        # A Go package named for the service, as a client or an app's adapter for it is:
        # GOPATH-era clients with no go.mod to name their module (gopkg.in/redis.v2's
        # `package redis`, gomemcache's `package memcache`), an app's `package postgres` store.
        template_call("go_package", r"^package\s+(?:" + alt + r")\s*(?://[^\n]*)?$",
                      ["package " + d for d in drivers], file_classes=frozenset({"go"}))
        template_call("driver_class", _DRIVER_CLASS.replace("NAMES", alt),
                      [k + " " + d for k in ("class", "type") for d in drivers], re.IGNORECASE, lines_after=1)
        template_call("pear_driver_class", _PEAR_DRIVER_CLASS.replace("NAMES", alt),
                      [p + d for d in drivers for p in ("_", "\\", "instanceof ")],
                      re.IGNORECASE, file_classes=frozenset({"php"}))
        if spec.get("category") in ("database", "cache"):  # stores: where this naming is seen
            template_call("driver_class_last", _DRIVER_CLASS_LAST.replace("NAMES", alt),
                          [r.lower() + d for r in _DRIVER_LAST_ROLES for d in drivers], re.IGNORECASE)
    modules = sorted(set(spec.get("module_names") or []) | set(drivers))
    if modules:
        # one keyword set for both: the dotted path holds the module's ".name" too, and
        # shared keywords keep the automaton small
        mod_alt = _escaped_alternation(modules)
        mod_keywords = ["." + m for m in modules]
        # impl_<name> keywords only for the backends OpenStack's drivers are named for
        impl_keywords = ["impl_" + m for m in modules if m in _IMPL_DRIVERS]
        template_call("driver_module", _DRIVER_MODULE.replace("NAMES", mod_alt), mod_keywords + impl_keywords,
                      file_classes=frozenset({"python"}))
        template_call("driver_path", _DRIVER_PATH.replace("NAMES", mod_alt), mod_keywords,
                      file_classes=ALL_SOURCE | {"config"})
        # the same in JavaScript: a package's module for one backend, imported or re-exported
        # by its path (@adonisjs/transmit's `export { redis } from '@boringnode/bus/transports/redis'`)
        template_call("driver_subpath", _JS_DRIVER_SUBPATH.replace("NAMES", mod_alt),
                      _JS_DRIVER_DIRS + ["/" + m for m in modules], file_classes=frozenset({"javascript"}))
        # and in Ruby (see _RUBY_DRIVER_SUBPATH)
        template_call("driver_subpath_ruby", _RUBY_DRIVER_SUBPATH.replace("NAMES", mod_alt),
                      _JS_DRIVER_DIRS + ["/" + m for m in modules], file_classes=frozenset({"ruby"}))
    cli_names = spec.get("cli_names") or []
    if cli_names:
        template_call("cli", _CLI.replace("NAMES", _escaped_alternation(cli_names)),
                      [q + n + q for n in cli_names for q in "'\""])
    client_classes = spec.get("client_classes") or []
    if client_classes:
        template_call("client_class", _CLIENT_CLASS.replace("NAMES", _escaped_alternation(client_classes)),
                      _client_class_keywords(client_classes), confidence="strong")
    signin = spec.get("signin_names")
    if signin:
        # an id's underscore may be a hyphen in a module path (Arctic's providers/amazon-cognito)
        ids = _escaped_alternation(signin["ids"]).replace("_", "[-_]")
        id_keywords = sorted({i.replace("_", sep) for i in signin["ids"] for sep in "-_"})
        template_call("signin_provider", _SIGNIN.replace("CLASSES", _escaped_alternation(signin["classes"]))
                      .replace("IDS", ids), id_keywords, confidence="strong")
        template_call("signin_key", _SIGNIN_KEY.replace("IDS", ids),
                      [q + i for i in id_keywords for q in "'\""], file_classes=ALL_SOURCE | frozenset({"config"}))
    calls = [{"pattern": c} if isinstance(c, str) else c for c in spec.get("calls") or []]
    # Unnamed calls are numbered in order (one alone is just ".call"); a named call is
    # ".call.<id>", so adding one never renames the rules users may have disabled.
    unnamed = sum(1 for c in calls if "id" not in c)
    seen_ids: set[str] = set()
    position = 0
    for call in calls:
        if "id" in call:
            if call["id"] in seen_ids:
                raise RulePackError(f"{where}: provider {pid!r} has two calls with id {call['id']!r}")
            seen_ids.add(call["id"])
            rule_id = f"{pid}.call.{call['id']}"
        else:
            position += 1
            rule_id = f"{pid}.call" + (f".{position}" if unnamed > 1 else "")
        kws = tuple(k.lower() for k in call.get("keywords", ())) or required_literals(call["pattern"])
        if not kws:
            raise RulePackError(f"{where}: call pattern {call['pattern']!r} needs explicit keywords")
        langs = frozenset(call.get("languages", SOURCE_LANGUAGES))
        rules.append(Rule(
            id=rule_id, provider=pid, evidence="call",
            confidence="strong", file_classes=langs, keywords=kws,
            pattern=_compile(call["pattern"], where, eager=eager), pack=pack, lines_after=call.get("lines_after", 0),
            unless_file=_optional(call, "unless_file", where, eager),
        ))
    schemes = spec.get("url_schemes") or []
    if schemes:
        alt = "|".join(re.escape(s) for s in sorted(schemes, key=len, reverse=True))
        kws = tuple(sorted({s.lower() + "://" for s in schemes} | {s.lower() + "+" for s in schemes}))
        rules.append(Rule(
            id=f"{pid}.url", provider=pid, evidence="url", confidence="medium", file_classes=URL_CLASSES,
            keywords=kws,
            pattern=_compile(r"(?:(?<![\w+.-])|(?<=:-))(?:" + alt + r")(?:\+[\w-]+)?://"
                             # not a wildcard host, which nothing connects to: a CSP's source
                             # list allows `wss://*.hubspot.com` (Unleash's secure headers)
                             r"(?!\*)"
                             # nor a regular expression for such URLs, whose host is a character
                             # class (`s3://[0-9a-z._/-]+` in a secret scanner's patterns); an IPv6
                             # literal (`redis://[::1]:6379`) is a host
                             r"(?!\[(?:\^|\\[wdsSW]|[0-9A-Za-z]-[0-9A-Za-z]))"
                             # placeholders count: f"postgresql://{user}@{host}/{db}", `redis://${host}`,
                             # "amqp://#{user}@..."; a lone brace ends the URL ({url: redis://x})
                             r"(?!/*:memory:)(?:[^\s'\"`<>()\\{}]|" + _PLACEHOLDER + r")*"
                             r"(?:[^\s'\"`<>()\\{},;.]|" + _PLACEHOLDER + r")"
                             # a bare scheme tested as a prefix: url.startswith("cockroachdb://"),
                             # strings.HasPrefix(u, "redis://"). Not a bare scheme in a list
                             # (MediaWiki's allowed link protocols name redis://), and not
                             # sqlite://, which is SQLAlchemy's in-memory database.
                             r"|(?:startswith|startsWith|StartsWith|HasPrefix|hasPrefix|str_starts_with|start_with\?)"
                             r"\s*\(\s*(?:[\w$.]+\s*,\s*)?\(?\s*['\"`]"
                             r"(?P<url>(?:" + alt + r")(?:\+[\w-]+)?://)(?<!sqlite://)(?<!sqlite3://)(?=['\"`])",
                             where, re.IGNORECASE, eager=eager),
            pack=pack,
            # a scheme another service's clients use too: amqps:// in a file about Azure
            # Service Bus is AMQP 1.0 to Azure, not RabbitMQ
            unless_file=_optional(spec, "url_unless_file", where, eager),
        ))
    env_vars = spec.get("env_vars") or []
    if env_vars:
        rules.append(Rule(
            id=f"{pid}.env", provider=pid, evidence="env_var", confidence="medium", file_classes=ENV_CLASSES,
            keywords=tuple(sorted({v.lower() for v in env_vars})),
            # Apps prefix the names they read (OAUTH_AUTH0_CLIENT_ID, NAUTOBOT_REDIS_URL), so
            # any WORD_ prefix may precede one; the names are matched whole otherwise. A name
            # quoted as code in a message (Opik's warning filter for "The secret `HF_TOKEN`
            # does not exist") is prose.
            pattern=_compile(r"(?<![A-Za-z0-9_`])(?:[A-Za-z0-9]+_)*?(?:"
                             + "|".join(re.escape(v) for v in sorted(env_vars, key=len, reverse=True))
                             + r")(?![A-Za-z0-9_])", where, eager=eager),
            pack=pack,
        ))
    env_tokens = spec.get("env_tokens") or []
    if env_tokens:
        # A variable the app reads whose name has the provider's word as one of its parts
        # (FLOWER_OAUTH2_OKTA_BASE_URL, NEW_RELIC_TRACE_API_URL), where it is read: a
        # .env line, os.getenv("..."), process.env.X, ENV["..."], getenv, ${X}.
        # The word alone (SMTP=$1 in a build script) is not a setting, and a container
        # image's digest or tag (KEYCLOAK_IMAGE, MSSQL_SHA) is not a connection, nor where a
        # program keeps its own configuration (OpenStack Mistral's MISTRAL_CONFIG_DIR).
        tok = "(?:" + "|".join(re.escape(t) for t in sorted(env_tokens, key=len, reverse=True)) + ")"
        name = (r"(?:(?:[A-Z0-9]+_)+" + tok + r"(?:_[A-Z0-9]+)*|" + tok + r"(?:_[A-Z0-9]+)+)(?![A-Za-z0-9_])"
                r"(?<!_SHA)(?<!_DIGEST)(?<!_IMAGE)(?<!_TAG)(?<!_VERSION)(?<!_CONFIG_DIR)(?<!_CONFIG_FILE)")
        # the name has another part, so the word always meets an underscore: "redis_" or
        # "_redis" is a far rarer line than "redis" in a code base
        keywords = tuple(sorted({k for t in env_tokens for k in (t.lower() + "_", "_" + t.lower())}))
        rules.append(Rule(
            id=f"{pid}.env.named", provider=pid, evidence="env_var", confidence="medium", file_classes=ALL_SOURCE,
            keywords=keywords, pattern=_compile(_ENV_READ.replace("NAME", name), where, eager=eager), pack=pack,
        ))
        rules.append(Rule(
            id=f"{pid}.env.named_setting", provider=pid, evidence="env_var", confidence="medium",
            file_classes=ENV_CLASSES - ALL_SOURCE, keywords=keywords,
            pattern=_compile(_ENV_SETTING.replace("NAME", name), where, eager=eager), pack=pack,
        ))
    hosts = spec.get("hosts") or []
    if hosts:
        rules.append(Rule(
            id=f"{pid}.host", provider=pid, evidence="host", confidence="medium", file_classes=HOST_CLASSES,
            keywords=tuple(sorted({_host_keyword(h) for h in hosts})),
            # not a vendor's status page (status.sentry.io, django-health-check's feeds), nor
            # a glob that matches the host to block or allow it (crawl4ai's ad blocker's
            # "**/google-analytics.com/**", a CSP's *.google-analytics.com), nor a bare host in
            # a list of hosts, an allow or block list ('doubleclick.net', 'googletagmanager.com'),
            # nor an HTTPS Everywhere ruleset's target or rewrite (searx's https_rules:
            # <target host="maps.googleapis.com" />, to="https://$1.google-analytics.com/")
            # nor the tail of a regular expression that matches hosts under the domain: a secret
            # scanner's pattern ('[0-9a-z._-]+.cache.amazonaws.com' in Percy's list of secrets
            # to redact), which nothing connects to
            pattern=_compile(r"(?<![\w-])(?<!status\.)(?<!\*/)(?<!\*\.)(?<!<target host=\")(?<!\$\d\.)"
                             r"(?<![\])][+*]\.)(?<![\])][+*]\\\.)"
                             r"(?!(?<=['\"], ['\"])[\w.-]+['\"]\s*(?:,|\]|$))(?:"
                             + "|".join(_not_under(h, spec.get("hosts_not") or ()) + _host_regex(h)
                                        for h in sorted(hosts, key=len, reverse=True))
                             + r")(?![\w-])(?!['\"],\s*['\"][\w.-]+\.[a-z]{2,}['\"])"
                             # nor a namespace URI that names a grant type, as OAuth's MFA
                             # grants are spelled (http://auth0.com/oauth/grant-type/mfa-otp,
                             # in Okta's SDKs as well): an identifier nothing connects to
                             r"(?!/oauth/grant-type/)"
                             # nor an XML namespace's dated URI (S3's API schema,
                             # {http://s3.amazonaws.com/doc/2006-03-01/}, in GCS's XML upload)
                             r"(?!/doc/\d{4}-\d\d-\d\d/)"
                             # nor a Google API's resource type, a name in its protos
                             # ("pubsub.googleapis.com/Topic" in Secret Manager's, for the
                             # topics the service itself notifies): a capitalised kind, so
                             # case counts here (`?-i`), where the host itself ignores it
                             r"(?!(?-i:/[A-Z][A-Za-z]*)['\"])"
                             # nor a token type named after the domain: AMQP's claims-based
                             # "servicebus.windows.net:sastoken", which Event Hubs' clients send too
                             r"(?!:sastoken)"
                             # nor, for object storage, a link to a public file in a bucket
                             # (RSS-Bridge's favicon at s3.amazonaws.com/unode1/...png): the
                             # browser fetches it; the app stores nothing there
                             + (_PUBLIC_FILE if spec.get("category") == "storage" else ""),
                             where, re.IGNORECASE, eager=eager),
            pack=pack,
        ))
    domains = _own_domains(pid, hosts)
    if domains:
        rules.append(Rule(
            id=f"{pid}.host_template", provider=pid, evidence="host", confidence="medium", file_classes=HOST_CLASSES,
            keywords=domains,
            # the vendor's own domain right after a placeholder in a URL's host, where the
            # subdomain is picked at run time: Airbyte's "https://data{{ '-eu' if ... }}.mixpanel.com",
            # f"https://{subdomain}amplitude.com/api/", 'https://api-m.{{ "sandbox." if ... }}paypal.com/',
            # Go's "https://%s.okta.com"
            pattern=_compile(r"://[^\s'\"`/]*?(?:\{[^\n]{0,80}?\}\}?|%(?:\(\w+\))?s)\s*\.?(?:"
                             + "|".join(re.escape(d) for d in domains) + r")(?![\w-])",
                             where, re.IGNORECASE, eager=eager),
            pack=pack,
        ))
    images = spec.get("images") or []
    if images:
        alt = "|".join(re.escape(i) for i in sorted(images, key=len, reverse=True))
        rules.append(Rule(
            id=f"{pid}.image", provider=pid, evidence="image", confidence="medium", file_classes=frozenset({"deploy", "config"}),
            keywords=tuple(sorted({i.lower() for i in images})),
            pattern=_compile(
                r"""^\s*-?\s*(?:image|repository)\s*:\s*['"]?(?:[\w.-]+(?::\d+)?/)?(?:library/)?(?:""" + alt + r""")(?:[:@\s'"]|$)""",
                where, re.IGNORECASE, eager=eager),
            pack=pack,
        ))
    tf = spec.get("terraform") or []
    if tf:
        rules.append(Rule(
            id=f"{pid}.terraform", provider=pid, evidence="terraform", confidence="medium",
            file_classes=frozenset({"terraform"}), keywords=tuple(sorted({t.lower() for t in tf})),
            pattern=_compile(r"""^\s*(?:resource|data)\s+"(?:""" + "|".join(re.escape(t) for t in tf) + r""")["\w]""", where, eager=eager),
            pack=pack,
        ))
    cfn = spec.get("cloudformation") or []
    if cfn:
        # A resource of the type in a CloudFormation or SAM template (`Type: AWS::S3::Bucket`,
        # `"Type": "AWS::DynamoDB::Table"`) or in code that writes one (an Architect plugin's
        # `Type: 'AWS::S3::Bucket'`). A catalog of every type (a linter's resource
        # specification) names them as keys, not as a resource's Type.
        rules.append(Rule(
            id=f"{pid}.cloudformation", provider=pid, evidence="cloudformation", confidence="medium",
            file_classes=_SETTINGS, keywords=tuple(sorted({t.lower() for t in cfn})),
            pattern=_compile(r"""\bType['"]?\s*[:=]\s*['"]?(?:""" + _alternation([re.escape(t) for t in cfn])
                             + r""")(?=['"\s,;})]|$)""", where, eager=eager),
            pack=pack,
        ))
    usage = tuple(
        (name, _compile(pat, f"{where}: usage {name}", re.IGNORECASE if name in ("read", "write", "migrate") else 0, eager))
        for name, pat in sorted((spec.get("usage") or {}).items())
    )
    provider = Provider(pid, spec.get("name", pid), spec["kind"], spec["category"], usage)
    return provider, rules


def _explicit_rule(pack: str, spec: dict[str, Any], where: str, eager: bool) -> Rule:
    flags = re.IGNORECASE if spec.get("ignore_case") else 0
    pattern = _compile(spec["pattern"], where, flags, eager=eager)  # an invalid regex is reported first
    kws = tuple(k.lower() for k in spec.get("keywords", ())) or required_literals(spec["pattern"])
    if not kws:
        raise RulePackError(f"{where}: rule {spec['id']} needs `keywords` (no literal of 3+ characters in its pattern)")
    classes = spec.get("files") or list(SOURCE_LANGUAGES)
    return Rule(
        id=spec["id"], provider=spec["provider"], evidence=spec.get("evidence", "call"),
        confidence=spec.get("confidence", "strong" if spec.get("evidence", "call") in ("import", "call") else "medium"),
        file_classes=frozenset(classes), keywords=kws, pattern=pattern, pack=pack,
        unless_file=_optional(spec, "unless_file", where, eager),
    )


def _load_trusted(path: Path) -> yamlio.LoadedYaml:
    """A built-in pack (schema-checked by the test suite): parse fast, without the
    node walk; line numbers are only needed for user packs' error messages."""
    import yaml

    from connreg_gate import yamlio

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yamlio.LoadedYaml(str(path), yaml.load(path.read_text(encoding="utf-8"), Loader=loader), None)


def builtin_pack_paths() -> list[Path]:
    # Beside this module: the wheel installs package data as files (importlib.resources
    # would add ~4 ms of imports to every run for the same answer).
    root = Path(__file__).resolve().parent / "rules"
    return sorted(p for p in root.iterdir() if p.name.endswith(".yaml"))


def _validate_schema(loaded: yamlio.LoadedYaml) -> None:
    from connreg_gate.schema import validator

    errors = sorted(validator("rules").iter_errors(loaded.data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        line, col = loaded.position(list(err.absolute_path))
        raise RulePackError(f"{loaded.path}:{line}:{col}: {err.json_path}: {err.message}")


def _load_sources(sources: list[tuple[Path, bool]], providers: dict[str, Provider], rules: list[Rule],
                  packs: list[str], seen_ids: dict[str, str]) -> None:
    if not sources:
        return
    from connreg_gate import yamlio  # PyYAML is imported only when packs are parsed

    for path, validate in sources:
        loaded = yamlio.load(path, RulePackError) if validate else _load_trusted(path)
        if validate:
            _validate_schema(loaded)
        doc = loaded.data
        if not isinstance(doc, dict):
            raise RulePackError(f"{path}: a rule pack must be a mapping with `pack` and `providers` or `rules`")
        pack = doc.get("pack", path.stem)
        packs.append(pack)
        for i, spec in enumerate(doc.get("providers") or []):
            line, _ = loaded.position(["providers", i])
            where = f"{path}:{line}"
            if spec["provider"] in providers:
                raise RulePackError(f"{where}: provider {spec['provider']!r} is already defined")
            provider, expanded = _expand_provider(pack, spec, where, validate)
            providers[provider.provider] = provider
            rules.extend(expanded)
        for i, spec in enumerate(doc.get("rules") or []):
            line, _ = loaded.position(["rules", i])
            where = f"{path}:{line}"
            if not RULE_ID.match(spec["id"]):
                raise RulePackError(f"{where}: rule id {spec['id']!r} must look like provider.kind[.detail]")
            if spec["id"] in seen_ids:
                raise RulePackError(f"{where}: rule id {spec['id']!r} is already defined in {seen_ids[spec['id']]}")
            seen_ids[spec["id"]] = where
            if spec["provider"] not in providers:
                if not spec.get("kind") or not spec.get("category"):
                    raise RulePackError(f"{where}: rule {spec['id']} names unknown provider {spec['provider']!r}; give `kind` and `category`")
                providers[spec["provider"]] = Provider(spec["provider"], spec.get("name", spec["provider"]), spec["kind"], spec["category"], ())
            rules.append(_explicit_rule(pack, spec, where, validate))


# ---- a cache of the expanded built-in packs -------------------------------------------
# Parsing 16 YAML packs and expanding ~1,000 rules costs ~30 ms of the pre-commit
# budget on every commit. The expansion is cached as plain tuples with `marshal`
# (which cannot run code on load, unlike pickle), keyed by the package version and
# every pack file's size and mtime, so an edited pack is picked up at once.

def _cache_key(paths: list[Path]) -> str | None:
    """The package version, and the name, size and mtime of every pack and of the code
    that expands packs into rules (an edited template must not reuse old rules)."""
    from connreg_gate import __version__

    here = Path(__file__).resolve().parent
    parts = [__version__]
    for p in [here / "rulepack.py", here / "literals.py", *paths]:
        try:
            st = p.stat()
        except OSError:
            return None
        parts.append(f"{p.name}\0{st.st_size}\0{st.st_mtime_ns}")
    return "\0".join(parts)


def _cache_path(key: str) -> Path:
    import zlib  # the name only spreads keys; the full key is checked on load

    from connreg_gate.cache_dir import cache_root

    return cache_root() / f"packs-{zlib.crc32(key.encode()):08x}.marshal"


def _pattern_t(p: Pattern | None) -> Any:
    return None if p is None else (p.regex, int(p.flags))  # RegexFlag is not marshallable


def _dump_builtin(path: Path, key: str, providers: dict[str, Provider], rules: list[Rule], packs: list[str], seen: dict[str, str]) -> None:
    import marshal
    import os

    data = (
        key,
        tuple((v.provider, v.name, v.kind, v.category, tuple((n, _pattern_t(pt)) for n, pt in v.usage)) for v in providers.values()),
        # each Rule field in order: a field added to Rule needs an edit here and on load only
        # when it holds a Pattern
        tuple(tuple(r._replace(file_classes=tuple(sorted(r.file_classes)), pattern=_pattern_t(r.pattern),
                               unless_file=_pattern_t(r.unless_file)))
              for r in rules),
        tuple(packs), tuple(seen.items()),
    )
    try:
        payload = marshal.dumps(data)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(payload)
        os.replace(tmp, path)
    except (OSError, ValueError):
        return  # a read-only home (or an odd value) only costs speed
    from connreg_gate.cache_dir import prune

    prune(path, "packs-*.marshal", keep=4)  # a few installs side by side keep theirs


def _load_builtin_cached(path: Path, key: str) -> tuple[dict[str, Provider], list[Rule], list[str], dict[str, str]] | None:
    import marshal

    try:
        stored_key, prov_t, rules_t, packs_t, seen_t = marshal.loads(path.read_bytes())
        if stored_key != key:
            return None
        providers = {p[0]: Provider(p[0], p[1], p[2], p[3], tuple((n, Pattern(*pt)) for n, pt in p[4])) for p in prov_t}
        rules = [rule._replace(file_classes=frozenset(rule.file_classes),
                               pattern=Pattern(*rule.pattern) if rule.pattern else None,
                               unless_file=Pattern(*rule.unless_file) if rule.unless_file else None)
                 for rule in (Rule(*r) for r in rules_t)]
        return providers, rules, list(packs_t), dict(seen_t)
    except (OSError, ValueError, EOFError, TypeError, IndexError):
        return None


def load_packs(
    extra: Iterable[str | Path] = (), disabled: Iterable[str] = (), validate_builtin: bool = False
) -> CompiledRules:
    """Load the built-in packs plus ``extra`` ones; drop rules whose id (or provider) is disabled.

    User packs are always schema-validated. Built-in packs are validated by the test
    suite (and on request), which keeps jsonschema off the pre-commit path.
    """
    builtin = builtin_pack_paths()
    from connreg_gate.cache_dir import caching_off

    key = None if validate_builtin or caching_off() else _cache_key(builtin)
    cache = _cache_path(key) if key is not None else None
    cached = _load_builtin_cached(cache, key) if cache is not None and key is not None and cache.exists() else None
    if cached is not None:
        providers, rules, packs, seen_ids = cached
    else:
        providers, rules, packs, seen_ids = {}, [], [], {}
        _load_sources([(p, validate_builtin) for p in builtin], providers, rules, packs, seen_ids)
        if cache is not None and key is not None:
            _dump_builtin(cache, key, providers, rules, packs, seen_ids)
    _load_sources([(Path(p), True) for p in extra], providers, rules, packs, seen_ids)
    off = set(disabled)
    kept = tuple(r for r in rules if r.id not in off and r.provider not in off)
    return CompiledRules(kept, providers, tuple(packs))


