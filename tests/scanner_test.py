from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connreg_gate.discover.files import list_directory, list_paths
from connreg_gate.discover.scanner import ScanOptions, scan
from testing.repos import make_repo


def run(tmp_path: Path, files: dict, rules, **opts):
    repo = make_repo(tmp_path / "repo", files)
    return scan(list_directory(repo), rules, ScanOptions(**opts))


def providers(result, include_test=False):
    return sorted(c.provider for c in result.connections if include_test or not c.test_only)


def evidence(result, provider):
    conn = next(c for c in result.connections if c.provider == provider)
    return [(e.path, e.line, e.rule) for e in conn.evidence]


# (file, content, provider expected, rule id expected) per language and manifest type.
REAL_USAGE = [
    ("app.py", "import os\nfrom stripe import StripeClient\n", "stripe", "stripe.import.python"),
    ("svc/db.py", "import asyncpg\n", "postgres", "postgres.import.python"),
    ("svc/store.py", "from google.cloud import storage\nclient = storage.Client()\n", "gcs", "gcs.import.python"),
    ("auth/verify.py", "from firebase_admin import auth, credentials\n", "firebase-auth", "firebase-auth.import.python"),
    ("lib/ai.ts", "import OpenAI from 'openai';\n", "openai", "openai.import.javascript"),
    ("lib/mail.js", "const sg = require(\"@sendgrid/mail\");\n", "sendgrid", "sendgrid.import.javascript"),
    ("lib/q.mjs", "const { Queue } = await import('bullmq');\n", "bullmq", "bullmq.import.javascript"),
    ("main.go", 'package main\n\nimport (\n\t"fmt"\n\tredis "github.com/redis/go-redis/v9"\n)\n', "redis", "redis.import.go"),
    ("src/main/java/App.java", "package a;\nimport com.stripe.Stripe;\n", "stripe", "stripe.import.java"),
    ("src/main/kotlin/App.kt", "package a\nimport software.amazon.awssdk.services.s3.S3Client\n", "s3", "s3.import.java"),
    ("app/jobs/sms.rb", "require 'twilio-ruby'\n", "twilio", "twilio.import.ruby"),
    ("src/Billing.php", "<?php\nuse Stripe\\StripeClient;\n", "stripe", "stripe.import.php"),
    ("Services/Mail.cs", "using SendGrid;\nusing System;\n", "sendgrid", "sendgrid.import.csharp"),
    ("requirements.txt", "Django==5.0\nanthropic>=0.40  # claude\n", "anthropic", "anthropic.dependency.pypi"),
    ("pyproject.toml", '[project]\nname = "x"\ndependencies = ["psycopg[binary]>=3", "httpx"]\n', "postgres", "postgres.dependency.pypi"),
    ("package.json", '{"dependencies": {"@clerk/nextjs": "^6"}}', "clerk", "clerk.dependency.npm"),
    ("go.mod", "module x\n\ngo 1.22\n\nrequire (\n\tgithub.com/stripe/stripe-go/v81 v81.0.0\n)\n", "stripe", "stripe.dependency.go"),
    ("Gemfile", "source 'https://rubygems.org'\ngem 'sidekiq', '~> 7'\n", "sidekiq", "sidekiq.dependency.gem"),
    ("composer.json", '{"require": {"php": ">=8.2", "aws/aws-sdk-php": "^3", "stripe/stripe-php": "^16"}}', "stripe", "stripe.dependency.composer"),
    ("pom.xml", "<project><dependencies><dependency>\n<groupId>org.postgresql</groupId>\n<artifactId>postgresql</artifactId>\n</dependency></dependencies></project>", "postgres", "postgres.dependency.maven"),
    ("build.gradle.kts", 'dependencies {\n    implementation("com.twilio.sdk:twilio:10.0.0")\n}\n', "twilio", "twilio.dependency.maven"),
    ("Api/Api.csproj", '<Project><ItemGroup><PackageReference Include="StackExchange.Redis" Version="2.8" /></ItemGroup></Project>', "redis", "redis.dependency.nuget"),
    (".env.production", "MONGODB_URI=mongodb+srv://app:pw@cluster0.abcde.mongodb.net/app\n", "mongodb", "mongodb.url"),
    ("docker-compose.yml", "services:\n  mq:\n    image: rabbitmq:3-management\n", "rabbitmq", "rabbitmq.image"),
    ("deploy/k8s/search.yaml", "spec:\n  containers:\n    - name: es\n      image: docker.elastic.co/elasticsearch/elasticsearch:8.15.0\n", "elasticsearch", "elasticsearch.image"),
    ("infra/queues.tf", 'resource "aws_sqs_queue" "jobs" {\n  name = "jobs"\n}\n', "sqs", "sqs.terraform"),
    ("infra/db.tf", 'resource "aws_db_instance" "main" {\n  engine = "postgres"\n}\n', "postgres", "postgres.terraform.engine"),
    ("templates/base.html", '<script src="https://js.stripe.com/v3/"></script>\n', "stripe", "stripe.host"),
    ("config/settings.py", 'import os\nKEY = os.environ["ANTHROPIC_API_KEY"]\n', "anthropic", "anthropic.env"),
    # Found measuring benchmarks/accuracy_bench.py on real apps (pretix, Ghost, Roundcube, Redmine).
    ("proj/settings.py", "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3'}}\n", "sqlite", "sqlite.call.2"),
    ("proj/conf.py", "backend = config.get('database', 'backend', fallback='sqlite3')\n", "sqlite", "sqlite.call.2"),
    ("proj/prod.py", "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql'}}\n", "postgres", "postgres.call.3"),
    ("lib/db/pgsql.php", "<?php\n$result = 'pgsql:';\n$result .= 'host=' . $dsn['hostspec'];\n", "postgres", "postgres.call.4"),
    ("lib/db/mysql.php", "<?php\n$result = 'mysql:';\n", "mysql", "mysql.call.4"),
    ("lib/cache/redis.php", "<?php\nself::$redis = new Redis;\n", "redis", "redis.call.1"),
    ("lib/smtp.php", "<?php\n$this->conn = new Net_SMTP($host, $port);\n", "smtp", "smtp.call.2"),
    ("lib/db/sqlsrv.php", "<?php\n$dsn = 'sqlsrv:Server=' . $host;\n", "mssql", "mssql.call"),
    ("Data/Db.cs", "using Microsoft.Data.SqlClient;\n", "mssql", "mssql.import.csharp"),
    ("lib/auth_ldap.rb", "require 'net/ldap'\n", "ldap", "ldap.import.ruby"),
    ("auth/backends.py", "import ldap\nfrom django_auth_ldap.config import LDAPSearch\n", "ldap", "ldap.import.python"),
    ("static/track.js", "var _paq = window._paq = [];\n_paq.push(['trackPageView']);\n", "matomo", "matomo.call"),
    ("package.json", '{"dependencies": {"@tryghost/adapter-cache-redis": "1.0.0"}}', "redis", "redis.dependency.npm"),
    ("package.json", '{"dependencies": {"@tryghost/mailgun-client": "1.0.0"}}', "mailgun", "mailgun.dependency.npm"),
    ("package.json", '{"dependencies": {"@tryghost/nodemailer": "0.3.45"}}', "smtp", "smtp.dependency.npm"),
    ("composer.json", '{"require": {"pear-pear.php.net/net_smtp": ">=1.10.0"}}', "smtp", "smtp.dependency.composer"),
    ("Gemfile", "source 'https://rubygems.org'\ngem 'activerecord-sqlserver-adapter'\n", "mssql", "mssql.dependency.gem"),
    (".env.example", "APP_NAME=Shop\nDB_CONNECTION=mysql\nDB_HOST=127.0.0.1\n", "mysql", "mysql.config.db_type"),
    ("includes/config-schema.php", "<?php\nreturn ['default' => [\n    'DBtype' => 'mysql',\n]];\n", "mysql", "mysql.config.db_type"),
    ("config/app.yml", "database:\n  db_type: postgres\n", "postgres", "postgres.config.db_type"),
    ("src/file.js", "var uploadPath = path.join(nconf.get('base_dir'), nconf.get('upload_path'));\n", "local-files", "local-files.call.4"),
    ("lib/attach.php", "<?php\nif (move_uploaded_file($tmp, $dest)) { return true; }\n", "local-files", "local-files.call.3"),
    # Found on the third held-out round (Calibre-Web, PostfixAdmin).
    ("functions.inc.php", '<?php\n$dsn = "sqlite:{$db}";\n', "sqlite", "sqlite.call.3"),
    ("wp-includes/class-wpdb.php", "<?php\nmysqli_real_connect($this->dbh, $host, $user, $pw);\n", "mysql", "mysql.call.1"),
    ("config.inc.php", "<?php\n$CONF['smtp_server'] = 'localhost';\n", "smtp", "smtp.config.host"),
    ("config/mail.yml", "mail:\n  smtp_host: mail.example.com\n", "smtp", "smtp.config.host"),
    # Found on the fourth held-out round (Uptime Kuma), and the ORMs a SaaS app picks a database with.
    ("package.json", '{"dependencies": {"@louislam/sqlite3": "15.1.6"}}', "sqlite", "sqlite.dependency.npm"),
    ("server/db.js", "const knex = require('knex')({ client: 'sqlite3', connection: { filename } });\n", "sqlite", "sqlite.config.orm"),
    ("src/db.ts", "export const sequelize = new Sequelize(url, { dialect: 'postgres' });\n", "postgres", "postgres.config.orm"),
    ("src/data-source.ts", 'export const ds = new DataSource({ type: "mysql", host });\n', "mysql", "mysql.config.orm"),
    ("prisma/schema.prisma", 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n', "postgres", "postgres.config.orm"),
    # Found on the fifth held-out round (MLflow): boto3 clients named by keyword argument.
    ("gateway/bedrock.py", 'import boto3\nclient = session.client(\n    service_name="bedrock-runtime",\n)\n', "bedrock", "bedrock.call"),
    ("store/s3.py", "import boto3\ns3 = boto3.client(service_name='s3', region_name=region)\n", "s3", "s3.call.1"),
    ("llm/legacy.py", 'import openai\nopenai.api_type = "azure"\n', "azure-openai", "azure-openai.call.2"),
    ("web/config.py", "STORAGE_DIR = os.path.join(DATA_DIR, 'storage')\n", "local-files", "local-files.call.5"),
    ("config/storage.yml", "local:\n  service: Disk\n  root: <%= Rails.root.join('storage') %>\n", "local-files", "local-files.config.disk"),
    ("config/filesystems.php", "<?php\nreturn ['disks' => ['local' => ['driver' => 'local', 'root' => storage_path('app')]]];\n", "local-files", "local-files.config.disk"),
    # Framework settings: Rails' config/*.yml and environment files, Laravel's .env.
    ("config/database.yml", "default: &default\n  adapter: postgresql\n  encoding: unicode\n", "postgres", "postgres.config.rails"),
    ("config/database.yml", "production:\n  adapter: trilogy\n", "mysql", "mysql.config.rails"),
    ("config/cable.yml", "production:\n  adapter: redis\n", "redis", "redis.config.framework"),
    ("config/storage.yml", "amazon:\n  service: S3\n  bucket: uploads\n", "s3", "s3.config.framework"),
    ("config/environments/production.rb", "config.cache_store = :mem_cache_store\n", "memcached", "memcached.config.framework"),
    ("config/application.rb", "config.active_job.queue_adapter = :sidekiq\n", "sidekiq", "sidekiq.config.rails"),
    ("config/environments/production.rb", "config.action_mailer.delivery_method = :postmark\n", "postmark", "postmark.config.mailer"),
    (".env.example", "MAIL_MAILER=smtp\nMAIL_HOST=mailpit\n", "smtp", "smtp.config.mailer"),
    (".env.example", "QUEUE_CONNECTION=sqs\n", "sqs", "sqs.config.laravel"),
    (".env.example", "BROADCAST_CONNECTION=pusher\n", "pusher", "pusher.config.laravel"),
    (".env.example", "FILESYSTEM_DISK=s3\n", "s3", "s3.config.framework"),
    # Serverless drivers and ORMs of Next.js apps.
    ("src/db/index.ts", 'import { drizzle } from "drizzle-orm/node-postgres";\n', "postgres", "postgres.import.javascript"),
    ("src/db/turso.ts", 'import { createClient } from "@libsql/client";\n', "sqlite", "sqlite.import.javascript"),
    ("src/db/ps.ts", 'import { Client } from "@planetscale/database";\n', "mysql", "mysql.import.javascript"),
    ("src/kv.ts", 'import { kv } from "@vercel/kv";\n', "redis", "redis.import.javascript"),
    ("requirements.txt", "apache-superset\npydynamodb>=0.4.2\n", "dynamodb", "dynamodb.dependency.pypi"),
    # Found on the eighth held-out round (crowdsec, docker-registry, goiardi, debci):
    # older Go import paths, shell entrypoints, Dockerfile volumes, data directories.
    ("registry/cache.go", 'package cache\n\nimport (\n\t"github.com/garyburd/redigo/redis"\n)\n', "redis", "redis.import.go"),
    ("registry/registry.go", 'package registry\n\nimport "github.com/yvasiyarov/gorelic"\n', "newrelic", "newrelic.import.go"),
    ("driver/azure.go", 'package azure\n\nimport azure "github.com/Azure/azure-sdk-for-go/storage"\n', "azure-blob", "azure-blob.import.go"),
    ("driver/s3.go", 'package s3\n\nimport (\n\t"github.com/aws/aws-sdk-go/service/s3"\n)\n', "s3", "s3.import.go"),
    ("apiserver/jwt.go", 'package apiserver\n\nimport jwt "github.com/appleboy/gin-jwt/v2"\n', "jwt", "jwt.import.go"),
    ("notify/email.go", 'package main\n\nimport mail "github.com/xhit/go-simple-mail/v2"\n', "smtp", "smtp.import.go"),
    ("providers/s3/s3.go", 'package s3\n\nimport (\n\t"github.com/rhnvrm/simples3"\n)\n', "s3", "s3.import.go"),
    ("lib/environment.sh", 'db_url="${db_url:-sqlite3://$data/app.sqlite3?timeout=5000}"\n', "sqlite", "sqlite.url"),
    ("Dockerfile", "FROM alpine\nVOLUME [\"/var/lib/registry\"]\n", "local-files", "local-files.dockerfile.volume"),
    ("config/config.go", 'type Conf struct {\n\tLocalFstoreDir string `toml:"local-filestore-dir"`\n}\n', "local-files",
     "local-files.config.data_dir"),
    ("archivebox/config.py", "DATA_DIR = Path(os.environ.get('DATA_DIR', '.'))\n", "local-files", "local-files.config.data_dir"),
    # SQLAlchemy dialect code (MLflow's migrations, FitTrackee's models).
    ("store/migrations/v1.py", "from sqlalchemy.dialects.mysql import MEDIUMTEXT\n", "mysql", "mysql.sqlalchemy.dialect"),
    ("models.py", "from sqlalchemy.dialects import postgresql\n", "postgres", "postgres.sqlalchemy.dialect"),
    ("store/migrations/v2.py", 'if dialect_name == "mssql":\n    pass\n', "mssql", "mssql.sqlalchemy.dialect"),
    # Spring Boot and ASP.NET Core, as their apps are usually set up.
    ("src/main/resources/application.properties",
     "spring.datasource.url=${DB_URL}\nspring.datasource.driver-class-name=org.postgresql.Driver\n", "postgres",
     "postgres.jdbc.driver"),
    ("src/main/resources/application.properties", "spring.data.redis.host=cache\n", "redis", "redis.config.spring"),
    ("src/main/resources/application.properties", "spring.rabbitmq.host=mq\n", "rabbitmq", "rabbitmq.config.spring"),
    ("src/main/resources/application.properties", "spring.kafka.bootstrap-servers=kafka:9092\n", "kafka", "kafka.config.spring"),
    ("src/main/resources/application.properties", "spring.mail.host=smtp.example.com\n", "smtp", "smtp.config.spring"),
    ("src/main/resources/application.yml", "spring.data.mongodb.uri: ${MONGO}\n", "mongodb", "mongodb.config.spring"),
    ("src/main/java/a/Cache.java", "package a;\nimport org.springframework.data.redis.core.RedisTemplate;\n", "redis", "redis.import.java"),
    ("Program.cs", "builder.Services.AddDbContext<AppDb>(o => o.UseNpgsql(cs));\n", "postgres", "postgres.call.efcore"),
    ("Program.cs", "services.AddDbContext<AppDb>(o =>\n    o.UseSqlServer(Configuration.GetConnectionString(\"Default\")));\n", "mssql",
     "mssql.call.efcore"),
    ("Data/Db.cs", "optionsBuilder.UseSqlite(\"Data Source=app.db\");\n", "sqlite", "sqlite.call.efcore"),
    ("Program.cs", "o.UseMySql(cs, ServerVersion.AutoDetect(cs));\n", "mysql", "mysql.call.efcore"),
    ("Storage/Blobs.cs", "using Azure.Storage.Blobs;\n", "azure-blob", "azure-blob.import.csharp"),
    ("Storage/S3.cs", "using Amazon.S3;\nusing Amazon.S3.Model;\n", "s3", "s3.import.csharp"),
    # PDO driver and adapter names: Doctrine's 'driver', Zend/Laminas adapters (Icinga Web 2).
    ("config/packages/doctrine.php", "<?php\nreturn ['dbal' => ['driver' => 'pdo_pgsql']];\n", "postgres", "postgres.php.pdo_driver"),
    ("library/Db/DbConnection.php", "<?php\ncase 'mssql':\n    $adapter = 'Pdo_Mssql';\n", "mssql", "mssql.php.pdo_driver"),
    ("library/Db/DbConnection.php", "<?php\ncase 'sqlite':\n    $adapter = 'Pdo_Sqlite';\n", "sqlite", "sqlite.php.pdo_driver"),
    ("setup/Requirements.php", "<?php\nif (extension_loaded('pdo_mysql')) { $ok = true; }\n", "mysql", "mysql.php.pdo_driver"),
    # Google's generated REST client for Cloud Storage (rclone's backend).
    ("backend/gcs/gcs.go", 'package gcs\n\nimport (\n\tstorage "google.golang.org/api/storage/v1"\n)\n', "gcs", "gcs.import.go"),
    # Keycloak's REST paths, called with a plain HTTP client (privacyIDEA's resolver).
    ("resolvers/keycloak.py", 'TOKEN = "/realms/{realm}/protocol/openid-connect/token"\n', "keycloak", "keycloak.call.api_path"),
    ("resolvers/keycloak.py", 'USERS = "/admin/realms/{realm}/users"\n', "keycloak", "keycloak.call.api_path"),
    ("auth/oidc.ts", "const url = `${base}/realms/${realm}/protocol/openid-connect/token`;\n", "keycloak", "keycloak.call.api_path"),
    ("lib/Adapters/Auth/keycloak.js",
     "const jwksUri = `${config['auth-server-url']}/realms/${config['realm']}/protocol/openid-connect/certs`;\n",
     "keycloak", "keycloak.call.api_path"),
    (".env.example", "OIDC_TOKEN_URL=https://sso.example.com/realms/app/protocol/openid-connect/token\n", "keycloak",
     "keycloak.config.api_path"),
    ("mlflow/openai/__init__.py", 'if api_type in ("azure", "azure_ad", "azuread"):\n    pass\n', "azure-openai",
     "azure-openai.call.2"),
    # REST and HTTP interfaces called without a client library (Zabbix, Adminer, LiteLLM).
    ("include/classes/helpers/CElasticsearchHelper.php", "<?php\nreturn $url.'/_search/scroll';\n", "elasticsearch",
     "elasticsearch.call.rest_path"),
    ("drivers/elastic.inc.php", '<?php\n$query = "$table/_search";\n', "elasticsearch", "elasticsearch.call.rest_path"),
    ("drivers/clickhouse.php", "<?php\n$q = \"$query FORMAT JSONCompact\";\n", "clickhouse", "clickhouse.call.format"),
    ("loggers/ch.py", 'sql = f"INSERT INTO spend FORMAT JSONEachRow"\n', "clickhouse", "clickhouse.call.format"),
    ("include/classes/db/MysqlDbBackend.php", "<?php\n$resource = mysqli_init();\n", "mysql", "mysql.call.1"),
    ("integrations/pub_sub.py", 'url = f"https://pubsub.googleapis.com/v1/projects/{p}/topics/{t}:publish"\n',
     "google-pubsub", "google-pubsub.host"),
    ("queue.go", 'package q\nconst u = "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs"\n', "sqs", "sqs.host"),
    ("store.ts", 'const endpoint = "https://dynamodb.us-east-2.amazonaws.com";\n', "dynamodb", "dynamodb.host"),
    # A bare scheme checked in code means the app supports that database (LNbits).
    ("lnbits/db.py", 'if database_uri.startswith("cockroachdb://"):\n    kind = "COCKROACH"\n', "cockroachdb",
     "cockroachdb.url"),
    # Apprise notification plugins and URLs (Prefect's TwilioSMS block).
    ("blocks/notifications.py", "from apprise.plugins.twilio import NotifyTwilio\n", "twilio", "twilio.apprise"),
    ("config/notify.yaml", "urls:\n  - sendgrid://${SENDGRID_KEY}:ops@example.com\n", "sendgrid", "sendgrid.apprise"),
    # Looks like a hashed bundle name, but it is source: no capital letter, not hex.
    ("src/file-s3upload.js", "import { S3Client } from '@aws-sdk/client-s3';\n", "s3", "s3.import.javascript"),
    ("backend/b2.go", 'package b2\nconst endpoint = "https://s3.us-west-004.backblazeb2.com"\n', "s3", "s3.host"),
    # A call formatters split after its parenthesis (black, prettier, gofmt).
    ("storage/provider.py", 'client = boto3.client(\n    "s3",\n    region_name=REGION,\n)\n', "s3", "s3.call.1"),
    ("litellm/integrations/sqs.py", 'self.client = session.client(\n    "sqs", region_name=region\n)\n', "sqs",
     "sqs.call"),
    # WebSocket servers in Tornado, FastAPI and aiohttp; SMTP through Twisted (JupyterHub, Buildbot).
    ("jupyterhub/services/auth.py", "from tornado.websocket import WebSocketHandler\n", "websockets",
     "websockets.import.python"),
    ("app/routes/ws.py", '@router.websocket("/ws/{client_id}")\nasync def ws(websocket: WebSocket):\n    pass\n',
     "websockets", "websockets.call.python_routes"),
    ("server/stream.py", "ws = web.WebSocketResponse(heartbeat=30)\n", "websockets", "websockets.call.python_routes"),
    ("buildbot/reporters/mail.py", "from twisted.mail.smtp import ESMTPSenderFactory\n", "smtp", "smtp.import.python"),
    # Code that branches on the database in use, and SQL only one database understands
    # (SimpleSAMLphp's SQL store, NagVis's PDO handler, Buildbot's engine strategy).
    ("lib/SimpleSAML/Store/SQL.php", "<?php\nif ($this->driver === 'pgsql') { $q = 'x'; }\n", "postgres",
     "postgres.call.driver_check"),
    ("lib/Store/SQL.php", "<?php\nswitch ($driver) {\n    case 'sqlsrv':\n        break;\n}\n", "mssql",
     "mssql.call.driver_check"),
    ("buildbot/db/results.py", "if self.db.pool.engine.dialect.name in ['postgresql', 'mssql']:\n    pass\n",
     "postgres", "postgres.call.driver_check"),
    ("core/classes/CorePDOHandler.php",
     "<?php\n$q = 'CREATE TABLE users (userId INTEGER AUTO_INCREMENT, PRIMARY KEY(userId))';\n", "mysql",
     "mysql.call.sql_dialect"),
    ("core/classes/CorePDOHandler.php", "<?php\n$q = \"SELECT * FROM sqlite_master WHERE type='table'\";\n",
     "sqlite", "sqlite.call.sql_dialect"),
    ("app/locks.py", 'cur.execute("SELECT pg_advisory_lock(%s)", (key,))\n', "postgres", "postgres.call.sql_dialect"),
    ("Data/Repo.cs", 'var sql = "INSERT INTO t (a) VALUES (@a); SELECT SCOPE_IDENTITY();";\n', "mssql",
     "mssql.call.sql_dialect"),
    # JNDI's LDAP provider (a directory lookup, not DN parsing).
    ("src/main/java/auth/Directory.java", 'env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.ldap.LdapCtxFactory");\n', "ldap", "ldap.call.jndi"),
    ("server/events.go", 'package events\nfunc h(w http.ResponseWriter) {\n\tw.Header().Set("Content-Type", "text/event-stream")\n}\n',
     "sse", "sse.call.2"),
    # LangChain and LlamaIndex integration packages (Flowise's model nodes).
    ("nodes/chatmodels/Deepseek.ts", "import { ChatDeepSeek } from '@langchain/deepseek'\n", "deepseek",
     "deepseek.import.javascript"),
    ("nodes/chatmodels/ChatTogetherAI.ts", "import { ChatTogetherAI } from '@langchain/community/chat_models/togetherai'\n",
     "together-ai", "together-ai.import.javascript"),
    ("app/llm.py", "from llama_index.llms.mistralai import MistralAI\n", "mistral", "mistral.import.python"),
    ("app/chat.py", "from langchain_groq import ChatGroq\n", "groq", "groq.import.python"),
    ("nodes/tools/StripeTool.ts", "import { StripeAgentToolkit } from '@stripe/agent-toolkit/langchain'\n", "stripe",
     "stripe.import.javascript"),
    # Horde's MongoDB client and SMTP transport choice (IMP); em-websocket (Jekyll's LiveReload).
    ("lib/Factory/Sentmail.php", "<?php\nif ($nosql instanceof Horde_Mongo_Client) { $d = 'Mongo'; }\n", "mongodb",
     "mongodb.call.php_driver"),
    ("lib/Factory/Mail.php", "<?php\nif ($transport == 'smtp') { $p = []; }\n", "smtp", "smtp.call.transport_check"),
    ("lib/jekyll/commands/serve/websockets.rb", 'require "em-websocket"\n', "websockets", "websockets.import.ruby"),
    # Widely used clients beyond each provider's own SDK.
    ("chat/consumers.py", "from autobahn.asyncio.websocket import WebSocketServerProtocol\n", "websockets",
     "websockets.import.python"),
    ("src/main/java/app/Live.java", "import org.eclipse.jetty.websocket.api.Session;\n", "websockets",
     "websockets.import.java"),
    ("src/Socket/Server.php", "<?php\nuse Ratchet\\MessageComponentInterface;\n", "websockets", "websockets.import.php"),
    ("llm/stream.ts", "import { createParser } from 'eventsource-parser';\n", "sse", "sse.import.javascript"),
    ("api/stream.go", 'package api\nimport "github.com/r3labs/sse/v2"\n', "sse", "sse.import.go"),
    ("app/models.py", "from django.contrib.postgres.fields import ArrayField\n", "postgres", "postgres.call.3"),
    ("lib/mailer.rb", "require 'net/smtp'\n", "smtp", "smtp.import.ruby"),
    ("app/Auth/Token.php", "<?php\nuse Lcobucci\\JWT\\Configuration;\n", "jwt", "jwt.import.php"),
    ("search/index.py", "from elasticsearch8 import Elasticsearch\n", "elasticsearch", "elasticsearch.import.python"),
    # django-storages backends, storage-driver plugin packages, CockroachDB checks (Pulp, Directus).
    ("pulpcore/app/settings.py", 'BACKENDS = ["storages.backends.azure_storage.AzureStorage"]\n', "azure-blob",
     "azure-blob.call.django_storages"),
    ("pulpcore/app/settings.py", 'BACKENDS = ["storages.backends.gcloud.GoogleCloudStorage"]\n', "gcs",
     "gcs.call.django_storages"),
    ("package.json", '{"dependencies": {"@directus/storage-driver-cloudinary": "12.0.0"}}', "cloudinary",
     "cloudinary.dependency.npm"),
    ("src/database/index.js", 'switch (client) {\n  case "cockroachdb":\n    break;\n}\n', "cockroachdb",
     "cockroachdb.call.driver_check"),
    # PHP includes, the legacy sqlite extension, Django's mail API, gRPC's WebSocket proxy.
    ("include/class_ldap.inc", "<?php\n$cid = ldap_connect($server);\n", "ldap", "ldap.call"),
    ("include/class_stats.inc", "<?php\n$handle = sqlite_open($tableFile, 0666, $error);\n", "sqlite", "sqlite.call.php_sqlite3"),
    ("tcms/core/utils/mailto.py", "from django.core.mail import send_mail\n", "smtp", "smtp.call.django_mail"),
    ("embed/serve.go", 'package embed\nimport "github.com/tmc/grpc-websocket-proxy/wsproxy"\n', "websockets",
     "websockets.import.go"),
    # Conventions each stack uses to pick a backend without naming a client library.
    ("store/db.go", 'package store\nfunc open() { db, _ := sql.Open("postgres", dsn) }\n', "postgres",
     "postgres.go.sql_open"),
    ("store/db.go", 'package store\nfunc open() { db := sqlx.MustConnect("sqlite3", path) }\n', "sqlite",
     "sqlite.go.sql_open"),
    ("src/main/java/Db.java", 'String url = "jdbc:sqlite:app.db";\n', "sqlite", "sqlite.jdbc"),
    ("appsettings.json", '{"ConnectionStrings": {"Default": "Server=db;Database=app;Trusted_Connection=True"}}',
     "mssql", "mssql.config.connection_string"),
    ("appsettings.json", '{"ConnectionStrings": {"Default": "Host=db;Database=app;Username=app"}}', "postgres",
     "postgres.config.connection_string"),
    ("src/main/resources/application.yml", "spring:\n  kafka:\n    bootstrap-servers: kafka:9092\n", "kafka",
     "kafka.config.bootstrap_servers"),
    ("app/settings.py", 'EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"\n', "smtp", "smtp.call.django_mail"),
    ("app/settings.py", 'CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer"}}\n',
     "redis", "redis.call.2"),
    ("app/settings.py", 'ENGINE = "haystack.backends.elasticsearch7_backend.Elasticsearch7SearchEngine"\n',
     "elasticsearch", "elasticsearch.call.haystack"),
    # AWS SDK v2 for JavaScript, ASP.NET SignalR and MassTransit, Laravel's facades.
    ("src/upload.js", "const s3 = new AWS.S3({ region });\n", "s3", "s3.call.aws_sdk_v2"),
    ("src/jobs.js", "const docs = new AWS.DynamoDB.DocumentClient();\n", "dynamodb", "dynamodb.call.aws_sdk_v2"),
    ("Program.cs", "builder.Services.AddSignalR();\napp.MapHub<ChatHub>(\"/chat\");\n", "websockets",
     "websockets.call.signalr"),
    ("Program.cs", "x.UsingRabbitMq((ctx, cfg) => cfg.Host(\"mq\"));\n", "rabbitmq", "rabbitmq.call.masstransit"),
    ("app/Http/Controllers/Upload.php", "<?php\nStorage::disk('s3')->put($path, $file);\n", "s3",
     "s3.call.laravel_storage"),
    ("app/Services/Counter.php", "<?php\nRedis::incr('visits');\n", "redis", "redis.call.laravel"),
    # Prefixed env names, LDAP plugin packages, filesystem storage settings, JNDI LDAP
    # classes, JDBC driver checks by method (Chainlit, Synapse, Radicale, Jetty).
    ("chainlit/oauth_providers.py", 'client_id = os.environ.get("OAUTH_AUTH0_CLIENT_ID")\n', "auth0", "auth0.env"),
    ("requirements.txt", "matrix-synapse-ldap3==0.3.0\n", "ldap", "ldap.dependency.pypi"),
    ("radicale/storage/multifilesystem/__init__.py", 'folder = configuration.get("storage", "filesystem_folder")\n',
     "local-files", "local-files.config.data_dir"),
    ("jaas/spi/LdapLoginModule.java", "public class LdapLoginModule extends AbstractLoginModule {\n", "ldap",
     "ldap.call.ldap_class"),
    ("server/session/DatabaseAdaptor.java", 'if (_dbName.startsWith("postgres")) { return "bytea"; }\n', "postgres",
     "postgres.call.driver_check"),
    # Plugin and wrapper packages named for their provider, in any ecosystem.
    ("package.json", '{"dependencies": {"connect-mongo": "5.1.0"}}', "mongodb", "mongodb.dependency.named"),
    ("composer.json", '{"require": {"laravel/cashier-stripe": "^15.0"}}', "stripe", "stripe.dependency.named"),
    ("go.mod", "module x\n\nrequire github.com/example/sentry-hook v1.0.0\n", "sentry", "sentry.dependency.named"),
    ("flower/utils/broker.py", "        self.port = 15672\n", "rabbitmq", "rabbitmq.config.management_port"),
    # Queues built on a broker name it (Dramatiq, arq), and Upstash's rate limiter is Redis.
    ("jobs/broker.py", "from dramatiq.brokers.redis import RedisBroker\n", "redis", "redis.import.python"),
    ("jobs/worker.py", "from arq import create_pool\n", "redis", "redis.import.python"),
    ("app/api/limit.ts", "import { Ratelimit } from '@upstash/ratelimit'\n", "redis", "redis.import.javascript"),
    ("tasks/client.go", 'package tasks\nimport "github.com/hibiken/asynq"\n', "redis", "redis.import.go"),
    ("composer.json", '{"require": {"laravel/horizon": "^5.0"}}', "redis", "redis.dependency.composer"),
    ("Gemfile", 'source "https://rubygems.org"\ngem "good_job"\n', "postgres", "postgres.dependency.gem"),
    ("phoenix/server/jwt_store.py", "from joserfc import jwt\n", "jwt", "jwt.import.python"),
    ("site/settings.py", '"BACKEND": "wagtail.search.backends.elasticsearch8",\n', "elasticsearch",
     "elasticsearch.call.haystack"),
    ("lib/src/sender/nodemailer-email-sender.js", "switch (options.type) {\n    case 'ses':\n        break;\n}\n",
     "ses", "ses.call.transport_check"),
    ("lib/tdiary/io/pstore.rb", "require 'pstore'\n", "local-files", "local-files.import.ruby"),
    ("errbot/storage/shelf.py", "import shelve\n", "local-files", "local-files.import.python"),
    # MQTT brokers (Node-RED's MQTT nodes, Home Assistant-style integrations).
    ("core/network/10-mqtt.js", 'const mqtt = require("mqtt");\n', "mqtt", "mqtt.import.javascript"),
    ("sensors/publish.py", "import paho.mqtt.client as mqtt\n", "mqtt", "mqtt.import.python"),
    ("config/settings.yaml", "broker: mqtts://user:secret@broker.example.com:8883\n", "mqtt", "mqtt.url"),
    # Settings named for a Keycloak server (Candid's identity provider, LNbits' SSO).
    ("idp/keycloak/keycloak.go", 'package keycloak\ntype Params struct {\n\tRealm string `yaml:"keycloak-realm"`\n}\n',
     "keycloak", "keycloak.config.setting"),
    ("lnbits/settings.py", 'class KeycloakAuthSettings(Settings):\n    keycloak_discovery_url: str = ""\n',
     "keycloak", "keycloak.config.setting"),
    ("src/auth.ts", "const issuer = config.keycloakIssuer;\n", "keycloak", "keycloak.config.setting"),
    # A Django model's upload field keeps files in MEDIA_ROOT (wger's exercise images).
    ("wger/exercises/models/image.py", "    image = models.ImageField(upload_to=exercise_image_upload_dir)\n",
     "local-files", "local-files.call.1"),
    # Classes named for storing on disk; driver names given apart from a URL; Bedrock's
    # Converse request on a client passed in (scrapyd, vanna).
    ("scrapyd/eggstorage.py", "class FilesystemEggStorage:\n    pass\n", "local-files", "local-files.call.store_class"),
    ("vanna/local/store.py", "store = FileSystemConversationStore(base_dir)\n", "local-files",
     "local-files.call.store_class"),
    ("vanna/mssql/runner.py", 'url = URL.create("mssql+pyodbc", query={"odbc_connect": conn})\n', "mssql",
     "mssql.sqlalchemy.dialect"),
    ("vanna/bedrock/chat.py", 'params = {"modelId": model, "inferenceConfig": {"maxTokens": 500}}\n', "bedrock",
     "bedrock.call.converse_request"),
    ("meltano/core/state_store/filesystem.py", "class BaseFilesystemStateStoreManager(StateStoreManager):\n",
     "local-files", "local-files.call.store_class"),
    ("passwd/backends.php", "<?php\n$backends['sql'] = ['params' => ['phptype' => 'mysql']];\n", "mysql",
     "mysql.call.driver_check"),
    # Branches on the backend in use name caches and MongoDB too (Keystone, MediaWiki).
    ("lib/core/initExpressSession.js", "if (sessionStore === 'redis') { sessionStore = 'connect-redis'; }\n",
     "redis", "redis.call.driver_check"),
    ("includes/ObjectCache.php", "<?php\nswitch ($type) {\n  case 'memcached':\n    break;\n}\n", "memcached",
     "memcached.call.driver_check"),
    ("modules/db/index.js", "if (adapter === 'mongodb') { uri = build(); }\n", "mongodb", "mongodb.call.driver_check"),
    ("trytond/bus.py", "timeout = config.getint('bus', 'long_polling_timeout')\n", "polling",
     "polling.call.long_polling"),
    ("modules/notification/index.js", "module.exports = { options: { longPolling: true } };\n", "polling",
     "polling.call.long_polling"),
    # Models named with their provider's prefix (LiteLLM routing), in code and in a
    # settings file's model key; Anthropic's SDK on Bedrock; templated connection URLs.
    ("profiles/groq.py", 'interpreter.llm.model = "groq/llama-3.1-70b-versatile"\n', "groq", "groq.call.model_prefix"),
    ("config/litellm.yaml", "model_list:\n  - model_name: claude\n    litellm_params:\n      model: bedrock/anthropic.claude-3\n",
     "bedrock", "bedrock.config.model_prefix"),
    ("computer_use/loop.py", "from anthropic import Anthropic, AnthropicBedrock, AnthropicVertex\n", "bedrock",
     "bedrock.call.anthropic_sdk"),
    ("profiles/database.py", 'conn = f"postgresql://{db_user}@{db_host}:{db_port}/{db_name}"\n', "postgres", "postgres.url"),
    ("src/cache.js", "const url = `redis://${host}:${port}/0`;\n", "redis", "redis.url"),
    ("whups/lib/Driver/Sql.php", "<?php\nif ($this->_db->phptype == 'pgsql') { $q = 'x'; }\n", "postgres",
     "postgres.call.driver_check"),
    ("config/settings/base.py", 'if DATABASES["default"].get("ENGINE") == "sql_server.pyodbc":\n    pass\n', "mssql",
     "mssql.call.django_engine"),
    ("package.json", '{"dependencies": {"@maildev/smtp": "3.0.0"}}', "smtp", "smtp.dependency.named"),
    ("plugins/queue/smtp_forward.js", "const queue_dir = path.resolve(config.get('queue_dir') || 'queue');\n",
     "local-files", "local-files.config.spool_dir"),
    ("src/server/orchestrator.js", "const mailDir = this.config.mailDirectory || join(tmpdir(), 'maildev');\n",
     "local-files", "local-files.config.spool_dir"),
    # Sign-in providers defined by an auth library; AWS clients made through a helper.
    ("allauth/socialaccount/providers/okta/provider.py", 'class OktaProvider(OAuth2Provider):\n    id = "okta"\n',
     "okta", "okta.call.signin_provider"),
    ("src/providers/keycloak.ts", 'export default function Keycloak(options) {\n  return { id: "keycloak", type: "oauth" }\n}\n',
     "keycloak", "keycloak.call.signin_provider"),
    ("providers/amazon_cognito/provider.py", 'class AmazonCognitoProvider(OAuth2Provider):\n    id = "amazon_cognito"\n',
     "cognito", "cognito.call.signin_provider"),
    ("anymail/webhooks/amazon_ses.py", 's3_client = self.get_boto_client("s3")\n', "s3", "s3.call.1"),
    ("apprise/plugins/ses.py", 'self.notify_url = f"https://email.{self.aws_region_name}.amazonaws.com"\n', "ses",
     "ses.host"),
    ("src/sns.js", "const url = `https://sns.${region}.amazonaws.com/`;\n", "sns", "sns.host"),
    # Rails: Active Storage's services and Action Mailbox's ingresses; fog's AWS hosts.
    ("active_storage/service/gcs_service.rb", 'require "google/cloud/storage"\n', "gcs", "gcs.import.ruby"),
    ("active_storage/service/disk_service.rb", "class ActiveStorage::Service::DiskService < Service\nend\n",
     "local-files", "local-files.call.store_class"),
    ("ingresses/postmark/inbound_emails_controller.rb",
     "class Ingresses::Postmark::InboundEmailsController < ActionMailbox::BaseController\nend\n", "postmark",
     "postmark.call.rails_ingress"),
    ("config/environments/production.rb", "config.action_mailbox.ingress = :sendgrid\n", "sendgrid",
     "sendgrid.call.rails_ingress"),
    ("fog/aws/sqs.rb", '@host = options[:host] || "sqs.#{options[:region]}.amazonaws.com"\n', "sqs", "sqs.host"),
    ("flexget/plugins/output/sns.py", "sns = self.session.resource('sns')\n", "sns", "sns.call"),
    ("services/Providers.js", "switch (provider) {\n  case 'cognito': {\n    break;\n  }\n}\n", "cognito",
     "cognito.call.driver_check"),
    ("package.json", '{"dependencies": {"strapi-provider-upload-local": "3.6.11"}}', "local-files",
     "local-files.dependency.npm"),
    ("lib/server/router/index.js", "const low = require('lowdb');\n", "local-files", "local-files.import.javascript"),
    ("bot/storage.py", "from tinydb import TinyDB\n", "local-files", "local-files.import.python"),
    ("kombu/transport/pyamqp.py", "import amqp\n", "rabbitmq", "rabbitmq.import.python"),
    ("kombu/transport/SQS/__init__.py", "return self._new_boto_client(\n    service='sqs',\n)\n", "sqs", "sqs.call"),
    ("trytond/filestore.py", "class FileStore(object):\n    pass\n", "local-files", "local-files.call.store_class"),
    ("huey/storage.py", "class FileStorage(BaseStorage):\n    pass\n", "local-files", "local-files.call.store_class"),
    ("maillog/update_statistics.py", "import rrdtool\n", "local-files", "local-files.call.rrdtool"),
    ("stacked.php", "<?php\n$command .= $conf['rrdtool'] . \" graph - $rrd_options -E\";\n", "local-files",
     "local-files.call.rrdtool"),
    # Protocols written by hand: NATS server's WebSocket handshake and MQTT CONNECT check,
    # and its JetStream store directory.
    ("server/websocket.go", 'package server\nvar wsGUID = []byte("258EAFA5-E914-47DA-95CA-C5AB0DC85B11")\n',
     "websockets", "websockets.call.handshake_guid"),
    ("server/mqtt.go", 'package server\nvar mqttProtoName = []byte("MQTT")\n', "mqtt", "mqtt.call.protocol_name"),
    ("broker/connect.py", 'if proto_name not in (b"MQTT", b"MQIsdp"):\n    raise ValueError\n', "mqtt",
     "mqtt.call.protocol_name"),
    ("server/filestore.go", "package server\nfunc (fs *fileStore) dir() string { return fs.fcfg.StoreDir }\n",
     "local-files", "local-files.config.store_dir"),
    ("server/accounts.go", 'package server\nimport "github.com/nats-io/jwt/v2"\n', "jwt", "jwt.import.go"),
    # Okta's authorization server called by hand, and PHPMailer over SMTP without a `use`.
    ("lib/2factor.inc", "<?php\n$url = $base . '/oauth2/default/v1/token';\n", "okta", "okta.call.authorization_server"),
    ("lib/account.inc", "<?php\n$mailer = new PHPMailer\\PHPMailer\\PHPMailer(true);\n", "smtp", "smtp.call.phpmailer"),
    ("lib/mail.php", "<?php\n$mail->isSMTP();\n", "smtp", "smtp.call.phpmailer"),
    # PHP: the AWS SDK's and async-aws's clients, Ably, Rollbar (Laravel's cache, queue and
    # mail drivers, Monolog's handlers, Symfony Messenger's SQS transport)
    ("Cache/DynamoDbStore.php", "<?php\nuse Aws\\DynamoDb\\DynamoDbClient;\n", "dynamodb", "dynamodb.import.php"),
    ("Transport/Connection.php", "<?php\nuse AsyncAws\\Sqs\\SqsClient;\n", "sqs", "sqs.import.php"),
    ("Mail/MailManager.php", "<?php\nuse Aws\\Ses\\SesClient;\n", "ses", "ses.import.php"),
    ("Broadcasters/AblyBroadcaster.php", "<?php\nuse Ably\\AblyRest;\n", "ably", "ably.import.php"),
    ("Handler/RollbarHandler.php", "<?php\nuse Rollbar\\RollbarLogger;\n", "rollbar", "rollbar.import.php"),
    # PHP extensions' global API: New Relic's agent, phpredis and ext-amqp classes
    ("Handler/NewRelicHandler.php", "<?php\nnewrelic_notice_error($record['message']);\n", "newrelic",
     "newrelic.call.php_agent"),
    ("Handler/RedisHandler.php", "<?php\nif ($this->redisClient instanceof \\Redis) {\n", "redis", "redis.call.1"),
    ("Transport/RedisProxy.php", "<?php\nfunction __construct(\\Redis $redis) {}\n", "redis", "redis.call.1"),
    ("Amqp/AmqpFactory.php", "<?php\nreturn new \\AMQPConnection($credentials);\n", "rabbitmq",
     "rabbitmq.call.php_amqp"),
    ("Mail/MailManager.php", "<?php\n$transport = new Swift_SmtpTransport($host, $port);\n", "smtp",
     "smtp.call.swiftmailer"),
    # goth's OAuth provider for Auth0, named in its struct
    ("providers/auth0/auth0.go", 'package auth0\nfunc New() *Provider {\n\treturn &Provider{\n\t\tproviderName:        "auth0",\n\t}\n}\n',
     "auth0", "auth0.call.signin_provider"),
    # JWTs split and decoded by the app's own functions
    ("identity/token.go", "package identity\nfunc ExtractJWTFromHeader(r *http.Request) (jwt string, err error) {\n",
     "jwt", "jwt.call.own_functions"),
    ("chainlit/auth/jwt.py", "def create_jwt(data: User) -> str:\n    return \"\"\n", "jwt", "jwt.call.own_functions"),
    # a Go package keeping blobs on local disk, and gocloud's drivers
    ("blob/fileblob/fileblob.go", "package fileblob // import \"gocloud.dev/blob/fileblob\"\n", "local-files",
     "local-files.call.go_package"),
    ("cmd/upload/main.go", 'package main\nimport (\n\t_ "gocloud.dev/blob/gcsblob"\n)\n', "gcs", "gcs.import.go"),
    ("cmd/worker/main.go", 'package main\nimport (\n\t_ "gocloud.dev/pubsub/rabbitpubsub"\n)\n', "rabbitmq",
     "rabbitmq.import.go"),
    # Azure OpenAI's client from the openai SDK, imported or built (Semantic Kernel)
    ("services/azure_realtime.py", "from openai import AsyncAzureOpenAI\n", "azure-openai", "azure-openai.import.python"),
    ("services/azure_chat.py", "client = AsyncAzureOpenAI(azure_endpoint=endpoint)\n", "azure-openai",
     "azure-openai.call.1"),
    # an optional integration imported by name at run time (Embedchain's WhatsApp bot)
    ("bots/whatsapp.py", 'self.twilio = importlib.import_module("twilio")\n', "twilio", "twilio.import.python"),
    # Litestar's WebSocket handlers, and an ASGI server's own WebSocket events
    ("app/chat.py", '@websocket("/ws")\nasync def handler(socket: WebSocket) -> None:\n', "websockets",
     "websockets.call.python_routes"),
    ("connection/websocket.py", 'await self.send({"type": "websocket.accept", "headers": headers})\n', "websockets",
     "websockets.call.python_routes"),
    # optional drivers loaded by a helper named for the job (Sequelize, NestJS)
    ("lib/dialects/snowflake/connection-manager.js", 'this.lib = this._loadDialectModule("snowflake-sdk");\n',
     "snowflake", "snowflake.import.javascript"),
    ("client/client-redis.js", "redisPackage = loadPackage('ioredis', ClientRedis.name, () => require('ioredis'));\n",
     "redis", "redis.import.javascript"),
    # SMTP's envelope commands sent by hand (Nodemailer's smtp-connection)
    ("lib/smtp-connection/index.js", "const mailFrom = 'MAIL FROM:<' + this._envelope.from + '>';\n", "smtp",
     "smtp.call.protocol"),
    # S3 requests signed with aws4fetch (unstorage's driver)
    ("drivers/s3.mjs", 'const client = new AwsClient({\n  service: "s3",\n  region: options.region\n});\n', "s3",
     "s3.call.signed_fetch"),
    # Java's literal-first test on the database product (Spring's JDBC metadata)
    ("jdbc/core/metadata/CallMetaDataProviderFactory.java",
     'else if ("PostgreSQL".equals(databaseProductName)) {\n', "postgres", "postgres.call.driver_check"),
    # a class written for one database (Quartz's delegate, Spring's incrementer)
    ("jdbcjobstore/MSSQLDelegate.java", "public class MSSQLDelegate extends StdJDBCDelegate {\n", "mssql",
     "mssql.call.driver_class"),
    ("incrementer/MySQLMaxValueIncrementer.java",
     "public class MySQLMaxValueIncrementer extends AbstractColumnMaxValueIncrementer {\n", "mysql",
     "mysql.call.driver_class"),
    # Ruby: Redis and Dalli clients tested for as optional stores (rack-attack)
    ("store_proxy/redis_proxy.rb", "def self.handle?(store)\n  defined?(::Redis) && store.class == ::Redis\nend\n",
     "redis", "redis.call.ruby_client"),
    ("store_proxy/dalli_proxy.rb", "store.is_a?(::Dalli::Client)\n", "memcached", "memcached.call.dalli"),
    # Google's generated Ruby API clients (fog-google)
    ("fog/google/pubsub/real.rb", "@pubsub = ::Google::Apis::PubsubV1::PubsubService.new\n", "google-pubsub",
     "google-pubsub.call.ruby_api_client"),
    # AWS APIs called by hand with signed requests (n8n's nodes, fog-aws)
    ("nodes/Aws/DynamoDB/AwsDynamoDB.node.js", "headers = { 'X-Amz-Target': 'DynamoDB_20120810.PutItem' };\n",
     "dynamodb", "dynamodb.call.json_protocol"),
    ("nodes/Aws/Cognito/transport/index.js", "const requestOptions = { service: 'cognito-idp', method };\n",
     "cognito", "cognito.call.signed_request"),
    ("nodes/Aws/SQS/queue.js", "headers['X-Amz-Target'] = 'AmazonSQS.SendMessage';\n", "sqs", "sqs.call.json_protocol"),
    # Paddle Classic's vendor API
    ("nodes/Paddle/GenericFunctions.js", "const productionUrl = 'https://vendors.paddle.com/api';\n", "paddle",
     "paddle.host"),
    # Python Social Auth's backends
    ("social_core/backends/keycloak.py", "class KeycloakOAuth2(BaseOAuth2):\n    name = 'keycloak'\n", "keycloak",
     "keycloak.call.signin_provider"),
    # sign-in providers imported from an auth library (a Next.js app, CrewAI's CLI login)
    ("app/api/auth/[...nextauth]/route.ts", 'import Auth0Provider from "next-auth/providers/auth0";\n', "auth0",
     "auth0.call.signin_provider"),
    ("crewai/auth/providers/okta.py", "from crewai_core.auth.providers.okta import OktaProvider as OktaProvider\n",
     "okta", "okta.call.signin_provider"),
    # vendor classes built from a wrapper package (Novu's delivery providers), or defined
    ("factories/mail/handlers/sendgrid.handler.js",
     "this.provider = new providers_1.SendgridEmailProvider({ apiKey: credentials.apiKey });\n", "sendgrid",
     "sendgrid.call.client_class"),
    ("factories/sms/handlers/nexmo.handler.js", "this.provider = new providers_1.NexmoSmsProvider(config);\n", "vonage",
     "vonage.call.client_class"),
    ("Mail/Transport/MailgunTransport.php", "<?php\nclass MailgunTransport extends Transport\n{\n}\n", "mailgun",
     "mailgun.call.client_class"),
    # several words between the vendor and the role (Griptape's drivers)
    ("drivers/observability/datadog_observability_driver.py",
     "@define\nclass DatadogObservabilityDriver(OpenTelemetryObservabilityDriver):\n    pass\n", "datadog",
     "datadog.call.client_class"),
    # PHP's PEAR-style driver classes (Horde, Zend 1)
    ("Horde/Cache/Storage/Mongo.php", "<?php\nclass Horde_Cache_Storage_Mongo extends Horde_Cache_Storage_Base\n{\n}\n",
     "mongodb", "mongodb.call.pear_driver_class"),
    ("Horde/SessionHandler/Storage/Memcache.php",
     "<?php\nclass Horde_SessionHandler_Storage_Memcache extends Horde_SessionHandler_Storage\n{\n}\n", "memcached",
     "memcached.call.pear_driver_class"),
    ("Horde/Vfs/File.php", "<?php\nclass Horde_Vfs_File extends Horde_Vfs_Base\n{\n}\n", "local-files",
     "local-files.call.pear_file_class"),
    # clients handed in by name, Google's discovery client, NestJS transports
    ("contrib/mongodb.py", "class MongoTarget(Target):\n    def __init__(self, mongo_client, index, collection):\n"
     "        self._mongo_client = mongo_client\n", "mongodb", "mongodb.call.client_variable"),
    ("contrib/bigquery.py", 'self.client = discovery.build("bigquery", "v2", cache_discovery=False)\n', "bigquery",
     "bigquery.call.discovery_client"),
    ("src/main.ts", "app.connectMicroservice({\n  transport: Transport.KAFKA,\n  options: { client: { brokers } },\n});\n",
     "kafka", "kafka.call.nestjs_transport"),
    ("health/microservice.health.js", "const probeDefaults = { [Transport.RMQ]: { noAssert: true } };\n", "rabbitmq",
     "rabbitmq.call.nestjs_transport"),
    # EventMachine's drivers, fog's storage providers, caches on disk, role-first classes
    ("lib/em-synchrony/em-redis.rb", "begin\n  require 'em-redis'\nrescue LoadError\nend\n", "redis",
     "redis.import.ruby"),
    ("lib/em-synchrony/amqp.rb", 'begin\n  require "amqp"\nend\n', "rabbitmq", "rabbitmq.import.ruby"),
    ("config/initializers/asset_sync.rb", "AssetSync.configure do |config|\n  config.fog_provider = 'AWS'\nend\n",
     "s3", "s3.call.fog_aws"),
    ("lib/asset_sync/config.rb", "options.merge!({\n  :google_storage_access_key_id => google_storage_access_key_id,\n})\n",
     "gcs", "gcs.call.fog_google"),
    ("flask_caching/backends/filesystemcache.py",
     "from cachelib import FileSystemCache as CachelibFileSystemCache\n", "local-files",
     "local-files.call.file_cache_class"),
    ("settings.py", "CACHES = {'default': {'BACKEND': 'django.core.cache.backends.filebased.FileBasedCache'}}\n",
     "local-files", "local-files.call.file_cache_class"),
    ("lib/RateLimiterDynamo.js", "class RateLimiterDynamo extends RateLimiterStoreAbstract {\n}\n", "dynamodb",
     "dynamodb.call.driver_class_last"),
    ("dialect.go", "package gorp\n\ntype PostgresDialect struct {\n\tsuffix string\n}\n", "postgres",
     "postgres.call.driver_class"),
    # Cassandra through cassio, MCP's SSE transport from a bundle, an LLM picked by name,
    # an agent's file-writing tool
    ("vectordb/cassandra/index.py", "from cassio.table.base_table import BaseTable\n", "cassandra",
     "cassandra.import.python"),
    ("lib/index.js", "this.transport = new import_sse.SSEClientTransport(new URL(config.server.url), {});\n", "sse",
     "sse.call.mcp_transport"),
    ("rag/embedding_service.py", 'if self.config.provider == "openai":\n    pass\nelif self.config.provider == '
     '"huggingface":\n    base_config["config"] = {"api_key": self.config.api_key}\n', "huggingface",
     "huggingface.call.driver_check"),
    ("tools/file_writer_tool/file_writer_tool.py", "class FileWriterTool(BaseTool):\n    name: str = 'File Writer'\n",
     "local-files", "local-files.call.file_writer_tool"),
    ("configs/jets3t.properties", "gsservice.gs-endpoint=commondatastorage.googleapis.com\n", "gcs", "gcs.host"),
    ("Horde/Queue/Storage/Sqs.php", "<?php\nclass Horde_Queue_Storage_Sqs extends Horde_Queue_Storage\n{\n}\n", "sqs",
     "sqs.call.pear_driver_class"),
    ("lib/camping/server.rb", "Camping::Models::Base.establish_connection(\n  :adapter => 'sqlite3',\n"
     "  :database => options[:database]\n)\n", "sqlite", "sqlite.ruby.adapter"),
    ("db/connect.rb", 'ActiveRecord::Base.establish_connection(adapter: "postgresql", host: ENV["DB_HOST"])\n', "postgres",
     "postgres.ruby.adapter"),
    ("post_office/webhooks/ses.py", "class SESWebhookHandler(BaseWebhookHandler):\n    pass\n", "ses",
     "ses.call.client_class"),
    ("paypal/standard/conf.py", 'POSTBACK_ENDPOINT = "https://ipnpb.paypal.com/cgi-bin/webscr"\n', "paypal",
     "paypal.host"),
    ("lib/utils/knexUtils.js", "function isPostgres(knex) {\n  return getDialect(knex) === 'postgresql';\n}\n",
     "postgres", "postgres.call.driver_check"),
    ("playhouse/cockroachdb.py", "class CockroachDatabase(PostgresqlDatabase):\n    pass\n", "cockroachdb",
     "cockroachdb.call.driver_class"),
    ("environ/cockroach_schemes.py", "DB_SCHEMES = {\n    'cockroachdb': 'django_cockroachdb',\n}\n", "cockroachdb",
     "cockroachdb.call.django_engine"),
    ("environ/ldap_schemes.py", "DB_SCHEMES = {\n    'ldap': 'ldapdb.backends.ldap',\n}\n", "ldap",
     "ldap.call.django_engine"),
    ("config/oauth.json", '{\n  "cognito": {\n    "authorize_url": "https://[subdomain]/oauth2/authorize",\n'
     '    "oauth": 2\n  }\n}\n', "cognito", "cognito.call.signin_key"),
    ("config/grant.json", '{\n  "sso": {\n    "authorize_url": "https://[subdomain]/protocol/openid-connect/auth"\n'
     '  }\n}\n', "keycloak", "keycloak.config.api_path"),
    ("lib/geocoder.rb", 'require "geocoder/models/mongoid" if defined?(::Mongoid)\n', "mongodb", "mongodb.call.mongoid"),
    ("store/bolt.go", 'package store\n\nimport bolt "go.etcd.io/bbolt"\n', "local-files", "local-files.import.go"),
    ("src/mutex/MemcachedMutex.php", "<?php\nnamespace Lock;\n\nuse Memcached;\n", "memcached", "memcached.call.1"),
    ("src/mutex/CacheMutex.php", "<?php\nclass CacheMutex {\n    public function __construct(string $name, Memcached $memcache) {}\n}\n",
     "memcached", "memcached.call.1"),
    ("src/mutex/PHPRedisMutex.php", "<?php\nnamespace Lock;\n\nuse Redis;\n", "redis", "redis.call.1"),
    ("src/prompts/registry.js", "setInterval(async () => {\n    try {\n        const { prompts } = await fetchPrompts(options);\n"
     "        populateRegistry(prompts);\n    } catch (err) {}\n}, 60 * 1000);\n", "polling", "polling.call.timer_body"),
    ("static/visualiser/js/visualiserApp.js", "var refreshInterval = setInterval(function() {\n"
     "    if ($(\"#modal\").is(\":hidden\"))\n        clearInterval(refreshInterval);\n    else {\n"
     "        luigi.getTaskStatusMessage(data.taskId, function(data) {\n", "polling", "polling.call.timer_body"),
    ("src/index.js", 'export { AmazonCognito } from "./providers/amazon-cognito.js";\n', "cognito",
     "cognito.call.signin_provider"),
    ("src/middleware/jwt/jwt.js", "const payload = await Jwt.verify(token, options.secret, options.alg);\n", "jwt",
     "jwt.call.jwt_object"),
    ("invenio_app_rdm/config.py", 'SEARCH_HOSTS = [{"host": "localhost", "port": 9200}]\n', "elasticsearch",
     "elasticsearch.config.port"),
    ("requirements.txt", "invenio-files-rest\ninvenio-s3\n", "s3", "s3.dependency.pypi"),
    ("src/y-websocket.js", "const websocket = new provider._WS(provider.url, provider.protocols)\n", "websockets",
     "websockets.call.1"),
    ("migrations/20210326100300_timestamptz.js", "if (!knex.client.config.client.includes('sqlite3')) {\n", "sqlite",
     "sqlite.call.driver_check"),
    ("lib/faye/adapters/rack_adapter.rb", "return handle_eventsource(request) if Faye::EventSource.eventsource?(env)\n",
     "sse", "sse.call.faye_eventsource"),
    ("kedro_datasets/snowflake/snowpark_dataset.py", "from snowflake.snowpark import DataFrame, Session\n", "snowflake",
     "snowflake.import.python"),
    ("caches/FileCache.php", "<?php\nclass FileCache implements CacheInterface {\n}\n", "local-files",
     "local-files.call.file_cache_class"),
    ("src/uploads.js", "const ENDPOINT = 'https://s3.amazonaws.com/my-bucket/uploads/';\n", "s3", "s3.host"),
    ("django_prometheus/cache/backends/memcached.py", "from django.core.cache.backends import memcached\n", "memcached",
     "memcached.call.2"),
    ("src/feature-repository.ts", "return new polyfills.EventSource(`${host}/sub/${clientKey}`);\n", "sse", "sse.call.1"),
    ("package.json", '{"name": "flags", "dependencies": {"launchdarkly-eventsource": "2.0.3"}}', "sse", "sse.dependency.npm"),
    ("lib/repository/polling-fetcher.js", "this.timer = setTimeout(() => this.fetch(), interval);\n", "polling",
     "polling.call.timeout_rearmed"),
    ("src/feature-flags.ts", "this.poller = setTimeout(() => this.loadFeatureFlags(true), this.getPollingInterval())\n",
     "polling", "polling.call.timeout_rearmed"),
    ("sdk/polling_manager.ts", "this.interval = setInterval(async () => {\n    try {\n"
     "        await this.main.updateEnvironment();\n", "polling", "polling.call.timer_body"),
    ("dj_rest_auth/forms.py", "get_adapter(request).send_mail(\n    'account/email/password_reset_key', email, context\n)\n",
     "smtp", "smtp.call.django_mail"),
    ("environ/cache_schemes.py", "CACHE_SCHEMES = {\n    'filecache': 'django.core.cache.backends.filebased.FileBasedCache',\n}\n",
     "local-files", "local-files.call.file_cache_class"),
    # a package's module written for one backend, imported by the app
    ("monasca_api/api/core/log/log_publisher.py", "from monasca_common.kafka import client_factory\n", "kafka",
     "kafka.call.driver_module"),
    ("cloudkitty/common/config.py", "import cloudkitty.storage.v2.elasticsearch\n", "elasticsearch",
     "elasticsearch.call.driver_module"),
    ("dramatiq/__init__.py", "    from .brokers.rabbitmq import RabbitmqBroker\n", "rabbitmq",
     "rabbitmq.call.driver_module"),
    ("mistral/db/v2/sqlalchemy/api.py", "from mistral.db.sqlalchemy import sqlite_lock\nfrom mistral.db.sqlalchemy.sqlite_lock import lock\n",
     "sqlite", "sqlite.call.driver_module"),
    ("monasca_api/common/repositories/sqla/models.py",
     "@compiler.compiles(group_concat, 'postgresql')\ndef _group_concat_postgresql(element, compiler_, **kw):\n",
     "postgres", "postgres.call.driver_check"),
    ("lib/recipe/dashboard/api/multitenancy/getThirdPartyConfig.js",
     'if (thirdPartyId.startsWith("okta")) {\n    const oktaDomain = options.req.getKeyValueFromQuery("oktaDomain");\n}\n', "okta",
     "okta.call.driver_check"),
    # an extra of a requirement installs the driver: Canaille's dramatiq[redis], sqlalchemy[pymysql]
    ("requirements.txt", "flask\ndramatiq[redis]>=1.18\n", "redis", "redis.dependency.pypi"),
    ("requirements.txt", "sqlalchemy[asyncio, pymysql]>=2.0\n", "mysql", "mysql.dependency.pypi"),
    ("pyproject.toml", '[project]\nname = "canaille"\ndependencies = ["flask"]\n[project.optional-dependencies]\n'
     'rabbitmq = [\n    "dramatiq[rabbitmq]>=1.18.0",\n]\n', "rabbitmq", "rabbitmq.dependency.named"),
    ("canaille/app/configuration.py", "def guess_broker(url):\n    TypeAdapter(AmqpDsn).validate_python(url)\n"
     "    return 'dramatiq.brokers.rabbitmq:RabbitmqBroker'\n", "rabbitmq", "rabbitmq.call.pydantic_dsn"),
    ("app/settings.py", "class Settings(BaseSettings):\n    redis_url: RedisDsn = 'redis://localhost:6379/0'\n",
     "redis", "redis.call.pydantic_dsn"),
    ("canaille/app/broker.py", "        return \"dramatiq.brokers.redis:RedisBroker\"\n", "redis", "redis.call.driver_path"),
    ("mem0/utils/factory.py", 'provider_to_class = {\n    "mongodb": "mem0.vector_stores.mongodb.MongoDB",\n}\n',
     "mongodb", "mongodb.call.driver_path"),
    ("linotp/useridresolver/SQLIdResolver.py", "        if 'sqlite' not in sqlConnect:\n            args['pool_size'] = 5\n",
     "sqlite", "sqlite.call.driver_check"),
    # a schema written in one database's dialect, as a module ships one per database
    ("schema/postgresql.sql", "CREATE TYPE frequency AS ENUM ('minutely', 'hourly');\n"
     "CREATE TABLE template (\n  id serial PRIMARY KEY,\n  name varchar(128) NOT NULL\n);\n", "postgres",
     "postgres.call.sql_dialect"),
    ("schema/postgresql-upgrades/v0.10.sql", "ALTER TABLE report ALTER COLUMN ctime TYPE bigint USING ctime::bigint;\n",
     "postgres", "postgres.call.sql_cast"),
    ("schema/mysql.sql", "CREATE TABLE report (\n  id int(10) unsigned NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (id)\n"
     ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n", "mysql", "mysql.call.sql_dialect"),
    ("db/schema.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);\n", "sqlite",
     "sqlite.call.sql_dialect"),
    ("library/Icingadb/Common/Database.php", "<?php\nuse ipl\\Sql\\Adapter\\Pgsql;\n", "postgres",
     "postgres.call.pear_driver_class"),
    ("library/Icingadb/Model/ServicegroupSummary.php",
     "<?php\nif ($q->getDb()->getAdapter() instanceof Pgsql) {\n    $q->groupBy('servicegroup.id');\n}\n",
     "postgres", "postgres.call.pear_driver_class"),
    ("web/api/Database/Layer/sqlite.php", "<?php\nnamespace Database\\Layer;\n\nclass sqlite {\n", "sqlite",
     "sqlite.call.driver_class"),
    ("classes/db/db.inc.php", "<?php\n$c = new PDO($dsn, $u, $p, array(\n    PDO::MYSQL_ATTR_INIT_COMMAND => 'SET NAMES utf8'\n));\n",
     "mysql", "mysql.php.pdo_attribute"),
    # an import after a type-checking block is the runtime's again
    ("llama_index/voice/ws.py", "from typing import TYPE_CHECKING\r\n\r\nif TYPE_CHECKING:\r\n"
     "    from websockets.asyncio.client import ClientConnection\r\n\r\nimport websockets\r\n", "websockets",
     "websockets.import.python"),
    ("database/create-mysql.sql", "CREATE TABLE resource (\n  id SERIAL PRIMARY KEY,\n  label VARCHAR(255))\n"
     "ENGINE InnoDB DEFAULT CHARACTER SET binary;\n", "mysql", "mysql.call.sql_dialect"),
    ("lib/trocla/default_config.yaml", "---\nstore: :moneta\nstore_options:\n  adapter: :YAML\n  adapter_options:\n"
     "    :file: '/tmp/trocla.yaml'\n", "local-files", "local-files.call.moneta_file"),
    ("lib/cache.rb", "STORE = Moneta.new(:File, dir: 'tmp/moneta')\n", "local-files", "local-files.call.moneta_file"),
    ("server/src/services/providers-registry.js",
     "const { body } = await bearerGet(\n  `https://${providers.keycloak.subdomain}/protocol/openid-connect/userinfo`,\n"
     "  accessToken\n);\n", "keycloak", "keycloak.call.api_path"),
    # a Go module that is the service's client itself
    ("go.mod", "module github.com/rabbitmq/amqp091-go\n\ngo 1.16\n\nrequire go.uber.org/goleak v1.1.12\n", "rabbitmq",
     "rabbitmq.dependency.go"),
    ("sentry/auth/providers/saml2/okta/provider.py",
     "from sentry.auth.providers.saml2.provider import SAML2Provider\n\n\nclass OktaSAML2Provider(SAML2Provider):\n"
     "    name = 'Okta'\n", "okta", "okta.call.signin_provider"),
    ("cartridge/shop/checkout.py", "from mezzanine.utils.email import send_mail_template\n", "smtp", "smtp.call.django_mail"),
    ("src/ralph/cmdb/archiver.py", "    backend_name = _get_used_db_backend_name()\n    if backend_name == 'mysql':\n"
     "        sql = 'DELETE ...'\n    elif backend_name == 'postgresql':\n", "postgres", "postgres.call.driver_check"),
    ("shop/models/related.py", "from filer.fields import image\n\n\nclass ProductImageModel(models.Model):\n"
     "    image = image.FilerImageField(on_delete=models.CASCADE)\n", "local-files", "local-files.call.django_filer_field"),
    ("rq_dashboard/templates/rq_dashboard/scripts/jobs.js", "var refresh_table_loop = function() {\n"
     "    reload_table(function() {\n        setTimeout(refresh_table_loop, POLL_INTERVAL);\n    });\n};\n",
     "polling", "polling.call.timeout_rearmed"),
    ("app/__init__.py", "app.config['SESSION_FILE_DIR'] = os.path.join(app.config['CONFIG_PATH'], 'session')\n",
     "local-files", "local-files.call.flask_session_files"),
    # a Jinja template of a settings file is read as the file it renders
    ("pypicloud/templates/config.ini.jinja2", "[app:main]\ndb.url = sqlite:///{{ workdir }}/db.sqlite\n", "sqlite",
     "sqlite.url"),
    ("dvc/commands/dataset.py", 'HELP = """URL of a cloud-versioned remote:\n\nazure://mycontainer/path\n"""\n',
     "azure-blob", "azure-blob.url"),
    ("lib/delayed/backend/active_record.rb", "          case connection.adapter_name\n"
     "          when \"PostgreSQL\", \"PostGIS\"\n            reserve_with_scope_using_optimized_postgres(ready_scope)\n",
     "postgres", "postgres.call.driver_check"),
    ("lib/delayed/backend/active_record.rb", "          case connection.adapter_name\n          when \"MSSQL\", \"Teradata\"\n",
     "mssql", "mssql.call.driver_check"),
    # a gem that is the service's client itself, as a Go module's own path
    ("em-redis.gemspec", 'Gem::Specification.new do |s|\n  s.name = "em-redis".freeze\n  s.version = "0.3.0"\nend\n',
     "redis", "redis.dependency.named"),
    # a data directory named for the app stays storage, in any case
    ("companion/.env", "COMPANION_DATADIR=/var/lib/companion\n", "local-files", "local-files.config.data_dir"),
    ("src/config.js", "const dataDir = process.env.DATA_DIR || './data'\n", "local-files", "local-files.config.data_dir"),
    # Google Analytics from a server: the Measurement Protocol's client and a property id
    ("lib/stats.js", "var _universalAnalytics = require('universal-analytics');\n", "google-analytics",
     "google-analytics.import.javascript"),
    ("lib/stats.js", "visitor = ua('UA-90044826-1', mid, { strictCidFormat: false });\n", "google-analytics",
     "google-analytics.call.tracking_id"),
    ("reports/ga.py", "from google.analytics.data_v1beta import BetaAnalyticsDataClient\n", "google-analytics",
     "google-analytics.import.python"),
    ("saleor/core/analytics.py", "import google_measurement_protocol as ga\n", "google-analytics",
     "google-analytics.import.python"),
    # the clients older apps still import: Sentry's raven, Datadog's dogapi, Mosquitto's
    # Python module, boto 2
    ("graphite_api/config.py", "    try:\n        from raven.contrib.flask import Sentry\n    except ImportError:\n",
     "sentry", "sentry.import.python"),
    ("diamond/handler/datadog.py", "try:\n    import dogapi\nexcept ImportError:\n    dogapi = None\n", "datadog",
     "datadog.import.python"),
    ("diamond/handler/mqtt.py", "try:\n    import mosquitto\nexcept ImportError:\n    mosquitto = None\n", "mqtt",
     "mqtt.import.python"),
    ("collectors/s3/s3.py", "    from boto.s3.connection import S3Connection\n", "s3", "s3.import.python"),
    ("tools/upload.py", "conn = boto.connect_s3(key_id, secret)\n", "s3", "s3.call.boto2"),
    ("collectors/sqs/sqs.py", "    from boto import sqs\n", "sqs", "sqs.import.python"),
    # a metrics collector named for the service it reads
    ("collectors/memcached/memcached.py", "class MemcachedCollector(diamond.collector.Collector):\n", "memcached",
     "memcached.call.driver_class"),
    # Fedora's message bus library speaks AMQP to RabbitMQ only
    ("bodhi/server/notifications.py", "from fedora_messaging import api, exceptions\n", "rabbitmq",
     "rabbitmq.import.python"),
    ("mail/store.go", 'package mail\n\nimport (\n\t"github.com/emersion/go-maildir"\n)\n', "local-files",
     "local-files.import.go"),
    ("ironic/console/websocketproxy.py", "import websockify\nfrom websockify import websockifyserver\n", "websockets",
     "websockets.import.python"),
    # a flag named for the database in use
    ("papermerge/conf/settings.py", "if config.has_mysql:\n    SILENCED_SYSTEM_CHECKS = ['mysql.E001']\n", "mysql",
     "mysql.call.driver_check"),
    ("lib/geocoder/stores/active_record.rb", "      def using_postgres?\n        connection.adapter_name.match(/postgres/i)\n",
     "postgres", "postgres.call.driver_check"),
    # Blob storage's REST API called by hand, and a WebSocket server from ws4py
    ("zuul/driver/azure/azul.py", "        headers = {\n            'x-ms-blob-type': 'PageBlob',\n        }\n",
     "azure-blob", "azure-blob.call.rest_api"),
    ("zuul/web/__init__.py", "from ws4py.server.cherrypyserver import WebSocketPlugin, WebSocketTool\n", "websockets",
     "websockets.import.python"),
    # chat platforms' WebSocket clients, Matrix's long-polling sync, a long poll said in words
    ("src/client/websocket/WebSocketManager.js", "const { WebSocketManager: WSWebSocketManager } = require('@discordjs/ws');\n",
     "websockets", "websockets.import.javascript"),
    ("src/receivers/SocketModeReceiver.ts", "import { SocketModeClient } from '@slack/socket-mode';\n", "websockets",
     "websockets.import.javascript"),
    ("src/MatrixClient.ts", '        return this.doRequest("GET", "/_matrix/client/v3/sync", conf, null, timeout);\n',
     "polling", "polling.call.api_long_poll"),
    ("src/core/network/polling.ts", "    debug('Starting long polling')\n", "polling", "polling.call.long_polling"),
    ("jupyterhub_config.py", "c.ServerApp.contents_manager_class = 'jupyter_server.services.contents.largefilemanager.AsyncLargeFileManager'\n",
     "local-files", "local-files.call.jupyter_contents"),
    # a module written for SMTP inside a package, and Google's discovery client built for Cloud Storage
    ("rdiffweb/rdw_app.py", "import cherrypy_foundation.plugins.smtp\n", "smtp", "smtp.call.driver_module"),
    ("cinder/backup/drivers/gcs.py",
     "        self.conn = discovery.build('storage',\n                                    'v1',\n", "gcs",
     "gcs.call.python_api_client"),
    # a page's script whose timeout calls the polling function again
    ("lib/http/public/javascripts/main.js",
     "function pollStats(ms) {\n    request('./stats', function (data) {\n        setTimeout(function () {\n"
     "            pollStats(ms);\n        }, ms);\n    });\n}\n", "polling", "polling.call.timeout_body"),
    # an LLM wrapper registered under its provider's id
    ("evidently/llm/utils/wrapper.py",
     'class MistralOptions(LLMOptions):\n    __provider_name__: ClassVar = "mistral"\n', "mistral",
     "mistral.call.provider_name"),
    ("evidently/llm/utils/wrapper.py", '@llm_provider("deepseek", None)\nclass DeepSeekWrapper(LiteLLMWrapper):\n',
     "deepseek", "deepseek.call.provider_name"),
    # Java's embedded stores on local disk
    ("src/main/java/com/acme/store/Store.java", "import org.iq80.leveldb.DB;\nimport org.iq80.leveldb.Options;\n",
     "local-files", "local-files.import.java"),
    ("src/main/java/com/acme/store/Journal.java", "import net.openhft.chronicle.ChronicleQueueBuilder;\n", "local-files",
     "local-files.import.java"),
    # PHP's switch with a parenthesised label, and PEAR's S3 client
    ("phing/tasks/ext/dbdeploy/DbmsSyntaxFactory.php",
     "        switch ($this->dbms) {\n            case('mysql'):\n                return new DbmsSyntaxMysql();\n", "mysql",
     "mysql.call.driver_check"),
    ("phing/tasks/ext/Service/Amazon/S3.php", "        $this->_client = Services_Amazon_S3::getAccount($key, $secret);\n",
     "s3", "s3.call.pear_services_amazon_s3"),
    # an event stream served with its charset
    ("sockjs/eventsource.go", '\trw.Header().Set("content-type", "text/event-stream; charset=UTF-8")\n', "sse",
     "sse.call.2"),
    # SpatiaLite is SQLite with GIS functions: its URL and Django's GIS engine
    ("geonode/settings.py", 'DATABASE_URL = os.getenv("DATABASE_URL", f"spatialite:///{_DB_PATH}")\n', "sqlite",
     "sqlite.url"),
    ("app/settings.py", "DATABASES = {'default': {'ENGINE': 'django.contrib.gis.db.backends.spatialite'}}\n", "sqlite",
     "sqlite.call.2"),
    # a package's own name in its package.json, as a Go module's own path; MQTT over websocket-stream
    ("package.json", '{\n  "name": "@socket.io/redis-adapter",\n  "version": "8.3.0"\n}\n', "redis",
     "redis.dependency.npm"),
    ("lib/server.js", "var ws = require('websocket-stream');\n", "websockets", "websockets.import.javascript"),
    # ActiveRecord's adapter under a string key, and the Ruby Mongo driver's client
    ("lib/stomp_server/queue/activerecord_queue.rb",
     "    db_params = {\n      'adapter' => 'sqlite3',\n      'database' => \"#{storagedir}/stomp\"\n    }\n", "sqlite",
     "sqlite.ruby.adapter"),
    ("lib/whatweb/logging/mongodb.rb", "    @db = Mongo::Client.new([host], options)\n", "mongodb",
     "mongodb.call.ruby_client"),
    # an MCP client asking for JSON or an event stream, and an app's module for BigQuery
    ("aisuite/mcp/client.py", '        headers = {\n            "Accept": "application/json, text/event-stream",\n        }\n',
     "sse", "sse.call.accept_list"),
    ("visidata/apps/vdsql/__init__.py", "from ._ibis import *\nfrom .bigquery import *\n", "bigquery",
     "bigquery.call.driver_module"),
    # a table of sign-in providers keyed by id, each required from its own module
    ("lib/providers/index.js", "exports = module.exports = {\n    auth0: require('./auth0'),\n    bitbucket: require('./bitbucket'),\n};\n",
     "auth0", "auth0.call.signin_provider"),
    # a class keeping a bot's transcripts in files
    ("src/fileTranscriptStore.ts", "export class FileTranscriptStore implements TranscriptStore {\n", "local-files",
     "local-files.call.store_class"),
    # a class that validates JWTs on incoming requests
    ("src/botFrameworkAdapter.ts",
     "        const identity = await JwtTokenValidation.authenticateRequest(request, authHeader, this.credentialsProvider);\n",
     "jwt", "jwt.call.validator_class"),
    # a database's command-line client run by the app, split across lines or not
    ("manila/share/drivers/ganesha/manager.py", "            self.execute(\n                \"sqlite3\", self.ganesha_db_path,\n"
     "                'create table ganesha(key varchar(20) primary key, value int);', run_as_root=False)\n",
     "sqlite", "sqlite.call.cli"),
    ("cmd/backup.go", '\tcmd := exec.Command("pg_dump", "--format=custom", dsn)\n', "postgres", "postgres.call.cli"),
    # a page's timer handed a function named for refreshing data or progress, in a script or a template
    ("src/features/FileManager/FileList/useCheckTaskStatus.ts", "    const interval = setInterval(refreshFileList, 5000);\n",
     "polling", "polling.call.1"),
    ("geonode/services/templates/services/service_detail.html",
     "<script>\n  $(function () {\n    setInterval(updateHarvestProgress, 7000)\n  });\n</script>\n", "polling", "polling.call.1"),
    # a local file system and a local storage driver beside remote ones
    ("fsspec/implementations/local.py", "class LocalFileSystem(AbstractFileSystem):\n    root_marker = '/'\n",
     "local-files", "local-files.call.local_backend_class"),
    ("libcloud/storage/drivers/local.py", "class LocalStorageDriver(StorageDriver):\n    name = 'Local Storage'\n",
     "local-files", "local-files.call.local_storage_driver"),
    # Anthropic's version header on a request built by hand, and Twisted's Redis client
    ("cowrie/llm/llm.py", '            return Headers({b"x-api-key": [key], b"anthropic-version": [b"2023-06-01"]})\n',
     "anthropic", "anthropic.call.version_header"),
    ("cowrie/output/redis.py", "import txredisapi\n", "redis", "redis.import.python"),
    # Vonage's per-API Python packages, and ImageKit's SDKs
    ("app/notify.py", "from vonage_sms import Sms, SmsMessage\n", "vonage", "vonage.import.python"),
    ("app/media.py", "from imagekitio import ImageKit\n", "imagekit", "imagekit.import.python"),
    ("package.json", '{"dependencies": {"@imagekit/nodejs": "^7.0.0"}}\n', "imagekit", "imagekit.dependency.npm"),
    # Google Analytics' reporting APIs, on their own host or Google's shared one
    ("tap_google_analytics/client.py",
     '        r = self.post("https://analyticsreporting.googleapis.com/v4/reports:batchGet", body)\n',
     "google-analytics", "google-analytics.host"),
    ("tap_google_analytics/discover.py",
     "        resp = self.get('https://www.googleapis.com/analytics/v3/management/accountSummaries')\n",
     "google-analytics", "google-analytics.call.google_api"),
    # sign-in handlers named OAuth and the provider, and providers' endpoints on a tenant's host
    ("server/lib/oauth/auth0.js", "export function defineOAuthAuth0EventHandler({ config, onSuccess, onError }) {\n",
     "auth0", "auth0.call.signin_provider"),
    ("server/lib/oauth/okta.js",
     "      token_endpoint: authz ? `https://${config.domain}/oauth2/${authz}/v1/token` : `https://${config.domain}/oauth2/v1/token`,\n",
     "okta", "okta.call.authorization_server"),
    ("server/lib/oauth/cognito.js",
     "    const url = new URL(`https://cognito-idp.${config.region}.amazonaws.com/${config.userPoolId}/.well-known/openid-configuration`);\n",
     "cognito", "cognito.call.user_pool_host"),
    ("lib/module.js", "      logout: `https://${strategy.domain}/v2/logout`\n", "auth0", "auth0.call.logout_endpoint"),
    # Segment's snippet from its older CDN, a site plugin's default
    ("gatsby-ssr.js", '  var host = options.host === undefined ? "https://cdn.segment.io" : options.host;\n',
     "segment", "segment.host"),
    # a database's client named by the command that runs it, or its default
    ("borgmatic/hooks/data_source/mysql.py",
     "    mysql_command = tuple(shlex.split(database.get('mysql_command') or 'mysql'))\n", "mysql", "mysql.call.cli"),
    ("borgmatic/hooks/data_source/sqlite.py", "        command = (\n            'sqlite3',\n            database_path,\n",
     "sqlite", "sqlite.call.cli"),
    ("backup/dump.py", "    dump_command = 'pg_dumpall' if name == 'all' else 'pg_dump'\n", "postgres", "postgres.call.cli"),
    # a named kind of file storage, a library's file driver, and a branch on a connection URL's start
    ("optuna/storages/_journal/file.py", "class JournalFileStorage(BaseJournalLogStorage):\n", "local-files",
     "local-files.call.store_class"),
    ("tooz/drivers/file.py", "class FileDriver(coordination.CoordinationDriverCachedRunWatchers):\n", "local-files",
     "local-files.call.store_class"),
    ("optuna/storages/_rdb/storage.py", '        if not url.startswith("mysql"):\n            return\n', "mysql",
     "mysql.call.driver_check"),
    # a session store's constructor for files on disk, and LevelDB's native binding
    ("lib/session-file-store.js", "  function FileStore(options) {\n    var self = this;\n", "local-files",
     "local-files.call.store_class"),
    ("index.js", "const leveldown = require('leveldown')\n", "local-files", "local-files.import.javascript"),
    # PHP's memcache extension built without parentheses
    ("Net/LDAP3.php", "<?php\nclass LDAP3 {\n    function cache() {\n        $this->cache = new Memcache;\n    }\n}\n",
     "memcached", "memcached.call.1"),
    # a Go package named for the service, as GOPATH-era clients with no go.mod are
    ("src/gopkg.in/redis.v2/commands.go", "package redis\n\nimport \"strconv\"\n", "redis", "redis.call.go_package"),
    ("memcache/memcache.go", "package memcache // import \"github.com/bradfitz/gomemcache/memcache\"\n", "memcached",
     "memcached.call.go_package"),
    # PEAR's SMTP client defined, and an envelope address sent as the verb's argument
    ("Net/SMTP.php", "<?php\nclass Net_SMTP\n{\n    public $host = 'localhost';\n}\n", "smtp", "smtp.call.2"),
    ("lib/smtp_client.php", "<?php\nfunction rcpt($recipient) {\n    $args = \"TO:<$recipient>\";\n}\n", "smtp",
     "smtp.call.protocol"),
    # Ruby's branch on an adapter's name by pattern, and the websocket gem's handshakes
    ("lib/ahoy/query_methods.rb", "case adapter_name\nwhen /postgres|postgis/\n  relation.where(\"properties @> ?\", json)\nend\n",
     "postgres", "postgres.call.driver_check_pattern"),
    ("lib/rubame.rb", "require 'websocket'\n", "websockets", "websockets.import.ruby"),
    # GraphQL over server-sent events, as GraphQL Yoga's plugin
    ("api/src/realtime.js", 'var import_plugin_graphql_sse = require("@graphql-yoga/plugin-graphql-sse");\n', "sse",
     "sse.import.javascript"),
    # Bedrock's own model ids, chatlas's Bedrock class, Anthropic's SDK installed for Bedrock,
    # and a LangChain cache kept in SQLite
    ("templates/chat/bedrock/app.py", 'chat = ChatBedrockAnthropic(\n    model="anthropic.claude-3-sonnet-20240229-v1:0",\n)\n',
     "bedrock", "bedrock.call.model_id"),
    ("agents/nova.ts", 'const modelId = "us.amazon.nova-pro-v1:0";\n', "bedrock", "bedrock.call.model_id"),
    ("templates/chat/bedrock/requirements.txt", "anthropic[bedrock]\n", "bedrock", "bedrock.dependency.pypi"),
    ("gpt_engineer/applications/cli/main.py", '    set_llm_cache(SQLiteCache(database_path=".langchain.db"))\n',
     "sqlite", "sqlite.call.store_built"),
    # Segment's write key read from settings
    ("langflow/services/telemetry/service.py", "        self.segment_write_key = settings.segment_write_key\n", "segment",
     "segment.call.write_key_setting"),
    # an upload handler bundled with a plugin, imported where no manifest names it
    ("server/storages/local.js", 'var import_multer = __toESM(require("multer"));\n', "local-files",
     "local-files.import.javascript"),
    # a package's module for one backend re-exported by its path, and AdonisJS's SSE server
    ("transports/redis.ts", "export { redis } from '@boringnode/bus/transports/redis'\n", "redis", "redis.call.driver_subpath"),
    ("start/routes.ts", "import transmit from '@adonisjs/transmit/services/main'\n", "sse", "sse.import.javascript"),
    # OpenStack's driver modules named impl_<backend>, a backend kept in a directory, output written to files
    ("ceilometer/messaging.py", "from oslo_messaging._drivers import impl_rabbit\n", "rabbitmq", "rabbitmq.call.driver_module"),
    ("taskflow/persistence/backends/impl_dir.py", "class DirBackend(path_based.PathBasedBackend):\n", "local-files",
     "local-files.call.store_class"),
    ("intelmq/bots/outputs/file/output.py", "class FileOutputBot(OutputBot):\n", "local-files", "local-files.call.store_class"),
    # a vendor's own domain right after a placeholder that picks the subdomain: Airbyte's
    # declarative manifests (Jinja), an f-string, Go's Sprintf
    ("source_mixpanel/manifest.yaml",
     "    url_base: \"https://data{{ '-eu' if config.region == 'EU' else '' }}.mixpanel.com/api/2.0/\"\n",
     "mixpanel", "mixpanel.host_template"),
    ("source_amplitude/streams.py", '        return f"https://{subdomain}amplitude.com/api/"\n', "amplitude",
     "amplitude.host_template"),
    ("paypal/client.go", 'base := fmt.Sprintf("https://api-m.%spaypal.com/v2/checkout/orders", sandbox)\n', "paypal",
     "paypal.host_template"),
    # a helper named for opening a WebSocket, a poll re-armed after seconds, an Azure OpenAI
    # client imported or subclassed, Braintree's client SDK loaded from its CDN
    ("src/mistral-transcription-stream.ts", "        connection = connectToWebSocket({ url, headers, webSocket });\n",
     "websockets", "websockets.call.open_helper"),
    ("templates/lava_scheduler_app/job.html", "<script>\n  pollTimer = setTimeout(poll, 5000);\n</script>\n", "polling",
     "polling.call.timeout_rearmed"),
    ("src/openai/azure.ts", 'import { AzureOpenAI, OpenAI } from "openai";\n', "azure-openai", "azure-openai.call.1"),
    ("src/openai/wrapper.ts", "export class PostHogAzureOpenAI extends AzureOpenAI {\n}\n", "azure-openai",
     "azure-openai.call.1"),
    ("src/braintree.js",
     'var BRAINTREE_SOURCE = "https://js.braintreegateway.com/web/".concat(braintreeVersion, "/js/client.min.js");\n',
     "braintree", "braintree.host"),
    # a package's own lib/ is its code; only a lib/ below static/ holds copied front-end libraries
    ("lib/cache.js", "const Redis = require('ioredis');\n", "redis", "redis.import.javascript"),
    # OpenAI named as the provider serving a model, and a framework's package for one backend
    # loaded through a helper that compiled TypeScript wraps
    ("graphrag/config/defaults.py", 'DEFAULT_MODEL_PROVIDER = "openai"\n', "openai", "openai.call.provider_name"),
    ("app/agent.py", 'llm = init_chat_model("gpt-4o", model_provider="openai")\n', "openai", "openai.call.provider_name"),
    ("lib/store.js", "const { RedisServiceFactory } = (0, core_1.safeRequire)('@midwayjs/redis');\n",
     "redis", "redis.call.driver_subpath"),
    ("lib/loader.js", "const pg = (0, util_1.tryRequire)('pg');\n", "postgres", "postgres.import.javascript"),
    # a script with no suffix, known by its shebang; Slack's Socket Mode client; matrix-nio's
    # long-poll loop
    ("usr/sbin/usbrelayd", "#! /usr/bin/python3\nimport paho.mqtt.client as mqtt\n", "mqtt", "mqtt.import.python"),
    ("synapse_s3_storage_provider-1.7.0.data/scripts/s3_media_upload", "#!/usr/bin/env python\nimport sqlite3\n",
     "sqlite", "sqlite.import.python"),
    ("slackv3/slackv3.py", "    from slack_sdk.socket_mode import SocketModeClient\n", "websockets",
     "websockets.import.python"),
    ("matrix_reminder_bot/main.py", "        await client.sync_forever(timeout=30000, full_state=True)\n", "polling",
     "polling.call.api_long_poll"),
    # an AWS client's service named in a dict of its arguments (aioboto3), and LlamaIndex's
    # Cohere reranker
    ("metagpt/utils/s3.py", '        self.auth_config = {\n            "service_name": "s3",\n        }\n', "s3", "s3.call.1"),
    ("metagpt/rag/factories/ranker.py", "    from llama_index.postprocessor.cohere_rerank import CohereRerank\n", "cohere",
     "cohere.import.python"),
    # AWS SDK v2 clients compiled from an ES import, by TypeScript and by Babel
    ("src/services/minio.js", "        return new aws_sdk_1.default.S3(__assign({ endpoint: this.endpoint_ }));\n", "s3",
     "s3.call.aws_sdk_v2"),
    ("services/digital-ocean.js", '      var s3 = new _awsSdk["default"].S3();\n', "s3", "s3.call.aws_sdk_v2"),
    ("lib/queue.js", "const sqs = new aws_sdk_1.default.SQS({ region });\n", "sqs", "sqs.call.aws_sdk_v2"),
    # a module for S3, imported by its path
    ("airflow/providers/mysql/transfers/s3_to_mysql.py", "from airflow.providers.amazon.aws.hooks.s3 import S3Hook\n",
     "s3", "s3.call.driver_module"),
    # PHP's old mysql extension
    ("drawgantt-svg/drawgantt-svg.php", '<?php\n$this->handler = mysql_connect("$server:$port", $user, $password);\n', "mysql",
     "mysql.call.1"),
    # GCS through gcloud-aio's asyncio client
    ("mistralai/extra/workflows/encoding/storage/_gcs.py", "from gcloud.aio.storage import Storage\n", "gcs",
     "gcs.import.python"),
    # SQLite on Android: Room's database, the platform's own classes, and Room as a Gradle dependency
    ("android/src/main/kotlin/org/asyncstorage/legacy_storage/LegacyStorageSupplier.kt",
     "package org.asyncstorage.legacy_storage\nimport androidx.room.Room\n\nval db = Room.databaseBuilder(context, StorageDb::class.java, NAME)\n",
     "sqlite", "sqlite.import.java"),
    ("android/src/main/java/org/pgsqlite/SQLitePlugin.java",
     "package org.pgsqlite;\n\nimport android.database.sqlite.SQLiteDatabase;\n", "sqlite", "sqlite.import.java"),
    ("android/build.gradle", 'dependencies {\n    implementation "androidx.room:room-runtime:$room_version"\n}\n', "sqlite",
     "sqlite.dependency.maven"),
    # Firebase's ID tokens verified on an edge runtime (Hono's middleware), by import and by dependency
    ("packages/firebase-auth/src/index.js", 'import { Auth, WorkersKVStoreSingle } from "firebase-auth-cloudflare-workers";\n', "firebase-auth",
     "firebase-auth.import.javascript"),
    ("packages/firebase-auth/package.json", '{"name": "@hono/firebase-auth", "dependencies": {"firebase-auth-cloudflare-workers": "^2.0.6"}}\n',
     "firebase-auth", "firebase-auth.dependency.npm"),
    # Neo4j from Ruby: neo4j-core's session opened without a require of its own, and a branch on
    # the store in use (Database Cleaner)
    ("lib/database_cleaner/neo4j/base.rb",
     "def session\n  @session ||= ::Neo4j::Session.open(db_type, db_path, db_params)\nend\n", "neo4j",
     "neo4j.call.ruby_session"),
    ("lib/database_cleaner/configuration.rb", "case symbol\nwhen :redis\n  DatabaseCleaner::Redis\nwhen :neo4j\n  DatabaseCleaner::Neo4j\nend\n",
     "neo4j", "neo4j.call.driver_check"),
    ("app/models/user.rb", "require 'neo4j'\n\nclass User\n  include Neo4j::ActiveNode\nend\n", "neo4j", "neo4j.import.ruby"),
    # Perplexity's key under LiteLLM's name for it, in a map of provider kinds to variables
    ("agenta/sdk/engines/running/runners/daytona.py",
     'PROVIDER_ENV = {\n    "groq": "GROQ_API_KEY",\n    "perplexityai": "PERPLEXITYAI_API_KEY",\n}\n', "perplexity",
     "perplexity.env"),
    # Supabase's clients: the API version header they send, and Supabase Auth's client imported on its own
    ("supabase_auth/constants.py", 'API_VERSION_HEADER_NAME = "X-Supabase-Api-Version"\n', "supabase",
     "supabase.call.api_version_header"),
    ("app/auth.py", "from supabase_auth import SyncGoTrueClient\n", "supabase", "supabase.import.python"),
    # Firebase's sign-in calls, modular and namespaced
    ("src/pages/login.js", "const result = await signInWithPopup(auth, provider);\n", "firebase-auth", "firebase-auth.call"),
    ("public/js/login.js", "firebase.auth().signInWithRedirect(provider).then(() => { done(); });\n", "firebase-auth",
     "firebase-auth.call"),
    # Bokeh's plot on Google Maps, built by an app and defined by Bokeh
    ("dashboards/austin.py", "from bokeh.models import GMapOptions\nfrom bokeh.plotting import gmap\n\n"
     "p = gmap(api_key, GMapOptions(lat=30.2861, lng=-97.7394, map_type='roadmap', zoom=11))\n", "google-maps",
     "google-maps.call.bokeh_gmap"),
    ("bokeh/models/map_plots.py", "class GMapPlot(MapPlot):\n    api_key = Required(Bytes)\n", "google-maps",
     "google-maps.call.bokeh_gmap"),
    # SQL Server through ODBC: the connection string names its driver
    ("awswrangler/sqlserver.py", 'conn_str = (\n    f"DRIVER={{ODBC Driver {odbc_driver_version} for SQL Server}};"\n'
     '    f"SERVER={host},{port};DATABASE={dbname};"\n)\nreturn pyodbc.connect(conn_str)\n', "mssql", "mssql.call.odbc_driver"),
    ("Data/Db.cs", 'var cs = "DRIVER={SQL Server};SERVER=db01;DATABASE=sales;Trusted_Connection=yes";\n', "mssql",
     "mssql.call.odbc_driver"),
    ("etl/load.py", 'conn = pyodbc.connect("Driver={ODBC Driver 18 for SQL Server};Server=tcp:sql01,1433;Database=dw")\n',
     "mssql", "mssql.call.odbc_driver"),
    # a program in bin/, as a Debian package installs one (patator) or a project keeps its
    # scripts (Rails' bin/setup, a Node CLI's bin/cli.js)
    ("usr/bin/patator", "#!/usr/bin/python3\n  from smtplib import SMTP, SMTP_SSL, SMTPException\n", "smtp",
     "smtp.import.python"),
    ("bin/worker.js", "const { Queue } = require('bullmq');\n", "bullmq", "bullmq.import.javascript"),
    # boto 2's SES (web.py's mailer), the older Socket.IO client (RIPE Atlas's result
    # streams), a data directory's path (BerryNet's collector)
    ("web/utils.py", "        import boto.ses\n", "ses", "ses.import.python"),
    ("ripe/atlas/cousteau/stream.py", "from socketIO_client import SocketIO, BaseNamespace\n", "websockets",
     "websockets.import.python"),
    ("berrynet/client/data_collector.py", "        self.data_dirpath = data_dirpath\n", "local-files",
     "local-files.config.data_dir"),
    # a Go driver's packages other than its BSON one still count
    ("store/rootkey.go", 'import (\n\t"gopkg.in/mgo.v2/bson"\n\tmgo "gopkg.in/mgo.v2"\n)\n', "mongodb",
     "mongodb.import.go"),
    # Architect's runtime on AWS: tables in DynamoDB (Remix's session storage, compiled),
    # events on SNS, queues on SQS, WebSocket pushes; and aws-lite's plugins loaded on demand
    ("sessions/arcTableSessionStorage.js", '      let tables = await arc__default["default"].tables();\n',
     "dynamodb", "dynamodb.call.architect_tables"),
    ("src/http/post-order/index.mjs", "  await arc.events.publish({ name: 'order-placed', payload })\n", "sns",
     "sns.call.architect_events"),
    ("src/http/post-job/index.mjs", "  await arc.queues.publish({ name: 'resize', payload: { key } })\n", "sqs",
     "sqs.call.architect_queues"),
    ("src/ws/default/index.mjs", "  await arc.ws.send({ id: connectionId, payload: { ok: true } })\n", "websockets",
     "websockets.call.framework_handler"),
    ("src/events/publish.js", "    plugins: [ import('@aws-lite/sns'), import('@aws-lite/sqs') ],\n", "sns",
     "sns.import.javascript"),
    ("src/ws/index.js", "      plugins: [ import('@aws-lite/apigatewaymanagementapi') ],\n", "websockets",
     "websockets.import.javascript"),
    # a WebSocket route in h3, Nitro or Nuxt, and crossws under them; Sails' disk adapter
    ("server/routes/_ws.ts", "export default defineWebSocketHandler({\n  open(peer) { peer.send('hi') },\n});\n",
     "websockets", "websockets.call.framework_handler"),
    ("runtime/node-server.mjs", 'import wsAdapter from "crossws/adapters/node";\n', "websockets",
     "websockets.import.javascript"),
    ("lib/private/build-adapter.js", "var Datastore = require('@sailshq/nedb');\n", "local-files",
     "local-files.import.javascript"),
    ("chalice/app.py", "            self._client = self.session.client(\n                'apigatewaymanagementapi',\n"
     "                endpoint_url=self._endpoint,\n            )\n", "websockets", "websockets.call.apigateway_management"),
    # a Ruby library's file for one database, required by its path (activerecord-import)
    ("lib/activerecord-import/active_record/adapters/sqlite3_adapter.rb",
     'require "active_record/connection_adapters/sqlite3_adapter"\nrequire "activerecord-import/adapters/sqlite3_adapter"\n',
     "sqlite", "sqlite.call.driver_subpath_ruby"),
    # minidb, a small object store over SQLite (urlwatch's job cache)
    ("lib/urlwatch/storage.py", "import minidb\n", "sqlite", "sqlite.import.python"),
    # stores on a phone: MMKV's memory-mapped files, Realm's embedded database
    ("src/storage.ts", "import { createMMKV } from 'react-native-mmkv';\n", "local-files",
     "local-files.import.javascript"),
    ("android/src/main/java/io/realm/react/RealmReactPackage.java", "import io.realm.react.util.SSLHelper;\n",
     "local-files", "local-files.import.java"),
    # a function re-armed on a delay named for polling (celery-progress's progress bar)
    ("celery_progress/static/celery_progress/celery_progress.js",
     "                setTimeout(this.connect.bind(this), this.pollInterval);\n", "polling", "polling.call.poll_interval_timer"),
    # Doctrine's MongoDB ODM (doctrine/data-fixtures' purger); Horde's SMTP client probing
    # a submission server (Horde's mail autoconfig)
    ("Doctrine/Common/DataFixtures/Purger/MongoDBPurger.php", "<?php\nuse Doctrine\\ODM\\MongoDB\\DocumentManager;\n",
     "mongodb", "mongodb.import.php"),
    ("Horde/Mail/Autoconfig/Server/Msa.php", "<?php\n        $smtp = new Horde_Smtp(array_filter($smtp_opts));\n",
     "smtp", "smtp.call.2"),
    # Cordova's FirebaseX wrapping its own auth plugin
    ("cordova-plugin-firebasex/package.json", '{"name": "cordova-plugin-firebasex", "dependencies": '
     '{"cordova-plugin-firebasex-auth": ">=1.0.0"}}\n', "firebase-auth", "firebase-auth.dependency.npm"),
    # a tokenizer loaded by its Hugging Face Hub id (LMQL's llama.cpp backend)
    ("lmql/models/lmtp/backends/llama_cpp_model.py", '    tokenizer = AutoTokenizer.from_pretrained("huggyllama/llama-7b")\n',
     "huggingface", "huggingface.call.hub_model"),
    # an Airflow provider's hooks for other services, imported by their module paths
    ("airflow/providers/amazon/aws/operators/ses.py", "from airflow.providers.amazon.aws.hooks.ses import SesHook\n",
     "ses", "ses.call.driver_module"),
    ("airflow/providers/amazon/aws/notifications/sns.py",
     "from airflow.providers.amazon.aws.hooks.sns import SnsHook\n", "sns", "sns.call.driver_module"),
    ("airflow/providers/trino/transfers/gcs_to_trino.py",
     "from airflow.providers.google.cloud.hooks.gcs import GCSHook\n", "gcs", "gcs.call.driver_module"),
    ("airflow/providers/amazon/aws/transfers/azure_blob_to_s3.py",
     "    from airflow.providers.microsoft.azure.hooks.wasb import WasbHook\n", "azure-blob", "azure-blob.call.driver_module"),
    # Firebase's ID tokens checked by hand against their signing keys and issuer (fastapi-cloudauth)
    ("fastapi_cloudauth/firebase.py",
     '        url = "https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com"\n',
     "firebase-auth", "firebase-auth.call.id_token_keys"),
    ("auth/verify.py", '    issuer=f"https://securetoken.google.com/{project_id}",\n', "firebase-auth", "firebase-auth.host"),
    # a JWT issued by a helper named noun first (django-saml2-auth calling dj-rest-auth's)
    ("django_saml2_auth/views.py", "        jwt_token = jwt_encode(target_user)\n", "jwt", "jwt.call.own_functions"),
    # WebSocket-over-HTTP events through a GRIP proxy (django-grip)
    ("django_grip.py", "                events = decode_websocket_events(body)\n", "websockets", "websockets.call.grip"),
    # Go's older LevelDB port and ql's embedded SQL database, both kept in files; New Relic's Platform API
    ("cmd/dump/main.go", 'package main\n\nimport (\n\t"github.com/golang/leveldb/db"\n)\n', "local-files",
     "local-files.import.go"),
    ("ql/file.go", 'package ql\n\nimport (\n\t"github.com/cznic/lldb"\n)\n', "local-files", "local-files.import.go"),
    ("newrelic_platform_go/plugin.go",
     'const NEWRELIC_API_URL = "https://platform-api.newrelic.com/platform/v1/metrics"\n', "newrelic", "newrelic.host"),
    # the OpenAI Node SDK's Bedrock provider, reading its endpoint through its own env helper
    ("internal/bedrock.js", "        ? normalizeOptionalString((0, utils_1.readEnv)('AWS_BEDROCK_BASE_URL'))\n",
     "bedrock", "bedrock.env"),
    # a driver written in Cython (.pyx): pymssql's connection class
    ("pymssql/_mssql.pyx", "cdef class MSSQLConnection:\n    cdef DBPROCESS *dbproc\n", "mssql",
     "mssql.call.driver_class"),
    # Supabase Realtime's binding to a table's row changes, in realtime-py and supabase-js
    ("realtime/_async/channel.py",
     'config = {"broadcast": {}, "presence": {}, "postgres_changes": [c.binding_filter for c in self.callbacks]}\n',
     "supabase", "supabase.call.realtime_postgres_changes"),
    ("src/live.ts",
     "channel.on('postgres_changes', { event: '*', schema: 'public', table: 'todos' }, (payload) => render(payload))\n",
     "supabase", "supabase.call.realtime_postgres_changes"),
    # FastHTML's database layer, on SQLite only
    ("fasthtml/fastapp.py", "def fast_app(db_file=None):\n    from fastlite import database\n    db = database(db_file)\n",
     "sqlite", "sqlite.import.python"),
    # a Django user model's email_user(), send_mail to the user (django-registration's activation)
    ("django_registration/backends/activation/views.py",
     "def send_activation_email(self, user):\n    user.email_user(subject, message, settings.DEFAULT_FROM_EMAIL)\n",
     "smtp", "smtp.call.django_mail"),
    # a typed AWS client's stubs, imported for its type (Temporal's S3 payload driver)
    ("temporalio/contrib/aws/s3driver/aioboto3.py",
     "from types_aiobotocore_s3.client import S3Client\n\n\nclass Driver:\n    def __init__(self, client: S3Client) -> None:\n"
     "        self._client = client\n", "s3", "s3.import.python"),
    ("worker/queue.py", "from mypy_boto3_sqs import SQSClient\n\n\ndef drain(sqs: SQSClient, url: str) -> None:\n    pass\n",
     "sqs", "sqs.import.python"),
    # a WebSocket class under a longer name: undici's, imported as UndiciWebSocket (PowerSync's Node SDK)
    ("src/sync/stream/NodeRemote.ts",
     "import { WebSocket as UndiciWebSocket } from 'undici';\n\nconst ws = new UndiciWebSocket(url, { dispatcher });\n",
     "websockets", "websockets.call.named_class"),
    # Matomo's JavaScript tracker built by hand in a template (Indico's Piwik plugin)
    ("indico_piwik/templates/tracking.html",
     "<script>\n  g.src = url + 'piwik.js';\n  var t = Piwik.getTracker(url + 'piwik.php', {{ site_id }});\n  t.trackPageView();\n</script>\n",
     "matomo", "matomo.call.tracker"),
    # a PayPal IPN message posted back for verification, to a URL read from settings
    ("indico_payment_paypal/controllers.py",
     "IPN_VERIFY_EXTRA_PARAMS = (('cmd', '_notify-validate'),)\n\n\ndef verify(params):\n"
     "    return requests.post(settings.get('url'), data=params + IPN_VERIFY_EXTRA_PARAMS).text\n",
     "paypal", "paypal.call.ipn_verify"),
    # a project's own Celery app, imported to declare tasks on it (pretalx's plugins, Django's layout)
    ("pretalx_downstream/tasks.py",
     "from pretalx.celery_app import app\n\n\n@app.task(name='pretalx_downstream.refresh')\ndef refresh(event_slug):\n    pass\n",
     "celery", "celery.call.driver_module"),
    ("proj/__init__.py", "from .celery import app as celery_app\n\n__all__ = ('celery_app',)\n", "celery",
     "celery.call.driver_module"),
    # Predis's client built by its full name with no use line (Horde's hash table factory),
    # and a class given Laravel's Redis factory (Illuminate's Redis broadcaster)
    ("lib/Horde/Core/Factory/HashTable.php",
     "<?php\nreturn new Horde_HashTable_Predis(array(\n    'predis' => new Predis\\Client($redis_params, $opts)\n));\n",
     "redis", "redis.call.1"),
    ("app/Broadcasting/RedisBroadcaster.php", "<?php\nnamespace App\\Broadcasting;\n\nuse Illuminate\\Contracts\\Redis\\Factory as Redis;\n",
     "redis", "redis.call.laravel"),
    # an orchestrator's Snowflake integration, declared or imported (prefect-dbt's target config)
    ("requirements.txt", "dbt-core\nprefect-snowflake>=0.28\n", "snowflake", "snowflake.dependency.pypi"),
    ("prefect_dbt/cli/configs/snowflake.py", "from prefect_snowflake.database import SnowflakeConnector\n", "snowflake",
     "snowflake.import.python"),
    # Flask's upload folder, a directory named, not a function called
    ("app/__init__.py", "app.config['UPLOAD_FOLDER'] = os.path.join(app.instance_path, 'uploads')\n", "local-files",
     "local-files.call.4"),
    # Flask-Uploads' destination settings (Flask-Reuploaded keeps its upload sets there)
    ("app/config.py", "UPLOADED_PHOTOS_DEST = os.path.join(basedir, 'static/photos')\n", "local-files",
     "local-files.call.4"),
    # a multer-style disk storage engine defined by a framework's adapter (NestJS's Fastify adapter)
    ("multipart/storage/disk.storage.js", "export function diskStorage(options = {}) {\n    const destination = options.destination;\n",
     "local-files", "local-files.call.2"),
    # a PostgreSQL extension installed by name (an Odoo GIS addon's pre-init hook, a migration)
    ("odoo/addons/base_geoengine/geo_db.py",
     'def init_postgis(env):\n    env.cr.execute("""\n        CREATE EXTENSION postgis;\n'
     '        CREATE EXTENSION postgis_topology;\n    """)\n',
     "postgres", "postgres.call.sql_dialect"),
    ("migrations/0001_extensions.sql", 'create extension if not exists "uuid-ossp";\n', "postgres",
     "postgres.call.sql_dialect"),
    # Matomo's snippet in an XML page template (an Odoo website addon's QWeb view)
    ("website_analytics_matomo/views/templates.xml",
     "<odoo>\n  <template id=\"layout\" inherit_id=\"website.layout\">\n    <script type=\"text/javascript\">\n"
     "      var _paq = window._paq = window._paq || [];\n      _paq.push(['trackPageView']);\n    </script>\n"
     "  </template>\n</odoo>\n",
     "matomo", "matomo.call"),
    # an asyncio AMQP 0.9.1 client (guillotina_amqp's task queue)
    ("guillotina_amqp/amqp.py", "import aioamqp\n\n\nasync def connect(host, port):\n"
     "    return await aioamqp.connect(host=host, port=port)\n", "rabbitmq", "rabbitmq.import.python"),
    # Pyramid's mailer (Kotti's notifications)
    ("kotti/message.py", "from pyramid_mailer.mailer import Mailer\nfrom pyramid_mailer.message import Message\n", "smtp",
     "smtp.import.python"),
    # Zope's MailHost as Plone code looks it up (collective.easyform's mailer action, Volto's form blocks)
    ("collective/easyform/actions.py", "from plone import api\n\n\ndef send(mailtext):\n"
     "    host = api.portal.get_tool(name=\"MailHost\")\n    host.send(mailtext)\n", "smtp", "smtp.call.mailhost"),
    ("products/notify.py", "mail_host = getToolByName(self.context, 'MailHost')\n", "smtp", "smtp.call.mailhost"),
    # amqp-ts, a TypeScript wrapper of amqplib (a Node-RED AMQP node)
    ("lib/amqp.js", "var Amqp = require('amqp-ts');\nvar connection = new Amqp.Connection(config.host);\n", "rabbitmq",
     "rabbitmq.import.javascript"),
    # Mapbox GL JS from its older CDN host (a Node-RED world map's 3D view)
    ("worldmap/index3d.html", '<script src="https://api.tiles.mapbox.com/mapbox-gl-js/v2.6.1/mapbox-gl.js"></script>\n',
     "mapbox", "mapbox.host"),
    # Valkey GLIDE's Python client (Haystack's Valkey document store)
    ("haystack_integrations/document_stores/valkey/document_store.py",
     "from glide import GlideClient, GlideClientConfiguration, NodeAddress\n", "redis", "redis.import.python"),
    ("requirements.txt", "haystack-ai\nvalkey-glide>=2.1\n", "redis", "redis.dependency.pypi"),
    # Bedrock's agent runtime and agent clients: knowledge bases queried and listed (an MCP server's retrieval tool)
    ("src/index.ts", 'import {\n  BedrockAgentRuntimeClient,\n  RetrieveCommand,\n} from "@aws-sdk/client-bedrock-agent-runtime";\n',
     "bedrock", "bedrock.import.javascript"),
    ("kb/discovery.py", "import boto3\n\nagent = boto3.client('bedrock-agent', region_name=region)\n", "bedrock",
     "bedrock.call"),
    # SQL Server's ODBC driver named as a default, joined into DRIVER={...} elsewhere (Soda's data source)
    ("soda/data_sources/sqlserver_data_source.py",
     'self.driver = data_source_properties.get("driver", "ODBC Driver 18 for SQL Server")\n', "mssql",
     "mssql.call.odbc_driver"),
    # Athena's query results staged in an S3 location (Soda's and PyAthena's s3_staging_dir)
    ("soda/data_sources/athena_data_source.py",
     "self.connection = pyathena.connect(\n    s3_staging_dir=self.athena_staging_dir,\n    region_name=self.region_name,\n)\n",
     "s3", "s3.call.athena_staging"),
    ("src/athena.js", "const athena = createAthena({\n  s3StagingDir: process.env.ATHENA_RESULTS_LOCATION,\n});\n",
     "s3", "s3.call.athena_staging"),
    # libSQL's better-sqlite3-compatible native driver (MikroORM's libSQL driver)
    ("LibSqlConnection.js", "import Database from 'libsql';\n\nconst db = new Database(this.config.get('dbName'));\n",
     "sqlite", "sqlite.import.javascript"),
    # a LiteLLM-style id chosen by a ternary still counts: its colon is spaced, a key's is not
    ("src/llm.js", 'const id = fast ? "groq/llama-3.1-8b-instant" : fallbackModel;\n', "groq",
     "groq.call.model_prefix"),
    # a Discord bot through discord.js, whose Client logs in to the gateway, a WebSocket (ElizaOS's)
    ("src/service.ts", "import { Client, GatewayIntentBits } from 'discord.js';\n", "websockets",
     "websockets.import.javascript"),
    ("package.json", '{"dependencies": {"discord.js": "14.18.0"}}\n', "websockets", "websockets.dependency.npm"),
    # a Slack Bolt app in Socket Mode receives events over a WebSocket
    ("src/service.js", "this.app = new App({\n  token: botToken,\n  appToken,\n  socketMode: true,\n});\n",
     "websockets", "websockets.call.slack_socket_mode"),
    # a Telegraf bot started without a webhook long-polls getUpdates
    ("src/service.js", "await this.bot?.launch({\n  dropPendingUpdates: true,\n});\n", "polling",
     "polling.call.telegraf_launch"),
    # python-tds, a pure-Python SQL Server driver (Cloud SQL's connector for SQL Server)
    ("google/cloud/sql/connector/pytds.py", "def connect(ip_address, sock, **kwargs):\n    import pytds\n",
     "mssql", "mssql.import.python"),
    ("requirements.txt", "python-tds>=1.15\n", "mssql", "mssql.dependency.pypi"),
    # a host with a short lowercase path still counts (a resource type's is capitalised),
    # as does a Service Bus namespace
    ("src/index.js", "const res = await fetch('https://api.resend.com/emails', {\n", "resend", "resend.host"),
    ("app/settings.py", 'SERVICE_BUS_NAMESPACE = "orders.servicebus.windows.net"\n', "azure-service-bus",
     "azure-service-bus.host"),
    # Azure Web PubSub's service client pushes to the clients connected to its WebSocket hub
    ("src/notify.ts", 'import { WebPubSubServiceClient } from "@azure/web-pubsub";\n', "websockets",
     "websockets.import.javascript"),
    ("app/notify.py", "from azure.messaging.webpubsubservice import WebPubSubServiceClient\n", "websockets",
     "websockets.import.python"),
    # an OIDC library's provider presets, each built by its factory (nuxt-oidc-auth's)
    ("src/runtime/providers/keycloak.js", 'export const keycloak = defineOidcProvider({\n  authorizationUrl: "",\n',
     "keycloak", "keycloak.call.signin_provider"),
    # Lemon Squeezy's checkout overlay, lemon.js, loaded from its assets host
    ("src/runtime/registry/lemon-squeezy.js", 'const src = "https://assets.lemonsqueezy.com/lemon.js";\n',
     "lemonsqueezy", "lemonsqueezy.host"),
    # a package named for Groq that is not Groq's SDK still counts by its name
    ("package.json", '{"dependencies": {"groq-tool-client": "1.0.0"}}\n', "groq", "groq.dependency.named"),
    # node-s3-client, the npm package named s3 (hexo-deployer-s3)
    ("lib/deployer.js", "var s3 = require('s3');\nvar client = s3.createClient({ s3Options: opts });\n", "s3",
     "s3.import.javascript"),
    ("package.json", '{"dependencies": {"s3": "^4.4.0"}}\n', "s3", "s3.dependency.npm"),
    # Astro's sessions kept on disk (@astrojs/node's default driver)
    ("src/index.js", "session = {\n  driver: sessionDrivers.fsLite({ base: fileURLToPath(new URL('sessions', dir)) }),\n};\n",
     "local-files", "local-files.call.astro_session_fs"),
    # DocSearch (Algolia) set up in a Sphinx conf.py through sphinx-docsearch
    ("conf.py", 'docsearch_app_id = "R2IYF7ETH7"\ndocsearch_index_name = "docsearch"\n', "algolia",
     "algolia.call.docsearch_settings"),
    # a feature-flag SDK's component that polls its service (Optimizely's, Harness's)
    ("optimizely/config_manager.py", "class PollingConfigManager(StaticConfigManager):\n    pass\n", "polling",
     "polling.call.polling_component"),
    ("src/client.js", "this.processor = new PollingProcessor(env, cluster, api, apiConfig, options);\n", "polling",
     "polling.call.polling_component"),
    # LaunchDarkly's SSE client for Python (its SDK's and DevCycle's streams)
    ("devcycle_python_sdk/managers/sse_manager.py", "import ld_eventsource\n", "sse", "sse.import.python"),
    # an Upstash Redis database's REST host, next to QStash's (which is not Redis)
    ("src/cache.ts", 'const url = "https://usw1-selected-termite-30690.upstash.io";\n', "redis", "redis.host"),
    # Huey's Redis queue named as a dotted path in settings (django-huey's default)
    ("django_huey/config.py", 'default_backend_path = "huey.RedisHuey"\n', "redis", "redis.call.huey_redis"),
    # an asyncio SSE client's import (pysmartthings' device events)
    ("pysmartthings/smartthings.py", "from aiosseclient import aiosseclient\n", "sse", "sse.import.python"),
    # a timer re-armed with an update bound to its object, after an interval in minutes or seconds
    ("index.js", "\t\tsetTimeout(this.updateWeather.bind(this), (this.interval) * 60 * 1000);\n", "polling",
     "polling.call.timeout_rearmed"),
    ("resources/rcfilters/Controller.js", "setTimeout( this._doLiveUpdate.bind( this ), this.pollingRate * 1000 );\n",
     "polling", "polling.call.timeout_rearmed"),
    # Django's file-based email backend mapped from a URL scheme (dj-email-url)
    ("dj_email_url.py", "SCHEMES = {\n    'file': 'django.core.mail.backends.filebased.EmailBackend',\n}\n",
     "local-files", "local-files.call.django_file_mail"),
    # the Maps JavaScript API's classes built by a component, or its libraries loaded
    ("src/index.esm.js", "const svc = new window.google.maps.places.PlacesService(document.createElement('div'));\n",
     "google-maps", "google-maps.call.maps_js_api"),
    ("fesm2022/google-maps.mjs", "const { Map } = await google.maps.importLibrary('maps');\n", "google-maps",
     "google-maps.call.maps_js_api"),
    # Angular's Google Maps components named as a dependency
    ("package.json", '{"dependencies": {"@angular/core": "^20.0.0", "@angular/google-maps": "^20.0.0"}}',
     "google-maps", "google-maps.dependency.npm"),
    # Mapbox's v4 geocoder on its tiles host (leaflet-geosearch's provider), and pydeck's key
    ("src/providers/mapBoxProvider.js", "const host = 'https://a.tiles.mapbox.com';\n", "mapbox", "mapbox.host"),
    ("pydeck/bindings/deck.py", '_ENV = {"mapbox": ["MapboxAccessToken", "MAPBOX_API_KEY"]}\n', "mapbox",
     "mapbox.env"),
    # a Telegram bot started on long polling (python-telegram-bot's updater, pyTelegramBotAPI)
    ("freqtrade/rpc/telegram.py", "            await self._app.updater.start_polling(\n                bootstrap_retries=-1,\n",
     "polling", "polling.call.telegram_polling"),
    ("camel/bots/telegram_bot.py", "        self.bot.infinity_polling()\n", "polling", "polling.call.telegram_polling"),
    # VK's long poll, by its classes' names
    ("vk_api/bot_longpoll.py", "class VkBotLongPoll(object):\n    pass\n", "polling", "polling.call.long_polling"),
    # a cache kept in one store, named for it alone (Tweepy's)
    ("tweepy/cache.py", "class RedisCache(Cache):\n    pass\n", "redis", "redis.call.driver_class"),
    ("tweepy/cache.py", "class MemCacheCache(Cache):\n    pass\n", "memcached", "memcached.call.driver_class"),
    # Firebase AI Logic: Gemini through Firebase's proxy, by its host or its SDK module
    ("src/esm/index.esm.js", "const DEFAULT_DOMAIN = 'firebasevertexai.googleapis.com';\n", "google-gemini",
     "google-gemini.host"),
    ("src/app/ai.ts", "import { getAI, getGenerativeModel, GoogleAIBackend } from 'firebase/ai';\n", "google-gemini",
     "google-gemini.import.javascript"),
    # rxfire's observables over the Firebase SDK (ReactFire's hooks)
    ("src/auth.tsx", "import { user } from 'rxfire/auth';\n", "firebase-auth", "firebase-auth.import.javascript"),
    ("src/firestore.tsx", "import { collectionData, doc, docData, fromRef } from 'rxfire/firestore';\n", "firestore",
     "firestore.import.javascript"),
    # the Compute Engine metadata server's hanging GET, a long poll (Google's guest agent)
    ("google_guest_agent/metadata.go", '\tmetadataHang      = "&wait_for_change=true&timeout_sec=60"\n', "polling",
     "polling.call.gce_metadata_watch"),
    # fsspec's and Arrow's file systems over object storage, built or imported (GQLAlchemy's
    # Parquet importers; a Kedro dataset over Blob Storage)
    ("gqlalchemy/transformations/importing/loaders.py",
     "from pyarrow import fs\n\n\nclass S3FileSystemHandler(FileSystemHandler):\n    def __init__(self, bucket_name, **kwargs):\n"
     "        super().__init__(fs=fs.S3FileSystem(**kwargs))\n", "s3", "s3.call.s3_filesystem"),
    ("loaders.py", "        super().__init__(fs=fs.GcsFileSystem(anonymous=False))\n", "gcs", "gcs.call.gcs_filesystem"),
    ("datasets/blob.py", "        self._fs = AzureBlobFileSystem(account_name=account, account_key=key)\n", "azure-blob",
     "azure-blob.call.azure_filesystem"),
    ("gqlalchemy/transformations/importing/loaders.py", "import adlfs\n", "azure-blob", "azure-blob.import.python"),
    # terminals served to the browser over WebSockets (Jupyter Server's, through terminado)
    ("jupyter_server_terminals/handlers.py", "from terminado.websocket import TermSocket as BaseTermSocket\n",
     "websockets", "websockets.import.python"),
    # an async local file system among fsspec's (morefs'), and asyncio's file I/O as a dependency
    ("morefs/asyn_local.py", "class AsyncLocalFileSystem(AsyncFileSystem, LocalFileSystem):\n    pass\n", "local-files",
     "local-files.call.local_backend_class"),
    ("requirements.txt", "aiofile>=3.8\nfsspec\n", "local-files", "local-files.dependency.pypi"),
    # PEAR's and Kolab's LDAP clients extended (Roundcube's address books)
    ("program/lib/Roundcube/rcube_ldap_generic.php", "<?php\nclass rcube_ldap_generic extends Net_LDAP3\n{\n}\n", "ldap",
     "ldap.call.net_ldap"),
    # an IPv6 literal in a connection URL is still a host
    ("config/settings.py", 'CACHE_URL = "redis://[::1]:6379/0"\n', "redis", "redis.url"),
    # the Serverless Framework's AWS provider asked to call S3 (serverless-finch, alerts' templates)
    ("lib/bucket-utils.js", "  return aws.request('S3', 'listObjectsV2', params);\n", "s3", "s3.call.serverless_provider"),
    # a WebSocket kept on the object and built from it (tRPC's ponyfill), and the runtime's
    # EventSource taken as an option's default (tRPC's subscription link)
    ("src/links/wsLink/wsClient/wsConnection.ts", "      (url) => new this.WebSocketPonyfill(url),\n", "websockets",
     "websockets.call.1"),
    ("src/links/httpSubscriptionLink.ts", "          EventSource: opts.EventSource ?? (globalThis.EventSource as never),\n",
     "sse", "sse.call.1"),
    # a request upgraded by the runtime's server (Bun's, in Elysia's adapter; Deno's)
    ("src/adapter/bun/index.js", "        if (!server?.upgrade(context.request, { headers, data })) {\n", "websockets",
     "websockets.call.runtime_upgrade"),
    ("main.ts", "const { socket, response } = Deno.upgradeWebSocket(req);\n", "websockets",
     "websockets.call.runtime_upgrade"),
    # React Router's and Remix's sessions kept in files
    ("app/sessions.server.ts", "const { getSession } = createFileSessionStorage({ cookie, dir: './sessions' });\n",
     "local-files", "local-files.call.file_session_storage"),
    # CoffeeScript, read with JavaScript's rules: Hubot's brains and scripts require without
    # parentheses and call the same clients and hosts
    ("src/redis-brain.coffee", "Redis = require 'redis'\nclient = Redis.createClient(info.port, info.hostname)\n",
     "redis", "redis.import.javascript"),
    ("scripts/brain.coffee", "AWS  = require 'aws-sdk'\ns3 = new AWS.S3({ endpoint: s3_endpoint })\n", "s3",
     "s3.call.aws_sdk_v2"),
    ("src/maps.coffee", '    url = "https://maps.googleapis.com/maps/api/directions/json"\n'
     "    robot.http(url).query(query).get()((err, res, body) ->\n", "google-maps", "google-maps.host"),
    # a Telegram bot on long polling in JavaScript (node-telegram-bot-api, Hubot's adapter)
    ("src/telegram.ts", "      this.bot.startPolling()\n", "polling", "polling.call.telegram_polling_js"),
    ("bot.js", "const bot = new TelegramBot(token, { polling: true });\n", "polling", "polling.call.telegram_polling_js"),
    # an event stream's response head written by hand (faye-websocket's EventSource)
    ("lib/faye/eventsource.js", "    var handshake = 'HTTP/1.1 200 OK\\r\\n' +\n"
     "                    'Content-Type: text/event-stream\\r\\n' +\n", "sse", "sse.call.raw_header"),
    # the runtime's WebSocket as an option's default, built later (Phoenix's client)
    ("assets/js/phoenix/socket.js", "    this.transport = opts.transport || global.WebSocket || LongPoll\n",
     "websockets", "websockets.call.runtime_default"),
    # Flask-Mailman's mail (Flask-Praetorian's registration emails), firebase_admin's Firestore
    # module, hapi's JWT plugin, and a LokiJS database kept in a file (connect-loki's sessions)
    ("flask_praetorian/base.py", "from flask_mailman import EmailMessage\n", "smtp", "smtp.import.python"),
    ("flask_firebase_admin/flask_firebase_admin.py", "from firebase_admin import firestore  # noqa: F401\n",
     "firestore", "firestore.import.python"),
    ("lib/auth.js", "const Jwt = require('@hapi/jwt');\n", "jwt", "jwt.import.javascript"),
    ("lib/connect-loki.js", "    this.client = new Loki(this.storePath, {\n      autosave: self.autosave,\n",
     "local-files", "local-files.call.lokijs"),
    # a dialect looked up in a list of names (connect-session-knex, Sequelize)
    ("src/utils.ts", 'export const isPostgres = (knex: Knex) =>\n  ["postgresql"].indexOf(knex.client.dialect) > -1;\n',
     "postgres", "postgres.call.driver_check"),
    # node-amqp, RabbitMQ's client before amqplib (winston-amqp's transport); knox, an old S3
    # client (gulp-s3); LiveReload's server, a WebSocket (gulp-connect's tiny-lr); a build
    # uploaded to Blob Storage (gulp-deploy-azure-cdn)
    ("lib/winston-amqp.js", "var util = require('util'),\n    amqp = require('amqp'),\n", "rabbitmq",
     "rabbitmq.import.javascript"),
    ("index.js", "var knox = require('knox');\nvar client = knox.createClient(aws);\n", "s3", "s3.import.javascript"),
    ("index.js", 'tiny_lr = require("tiny-lr");\n', "websockets", "websockets.import.javascript"),
    ("index.js", "var deployCdn = require('deploy-azure-cdn');\n", "azure-blob", "azure-blob.import.javascript"),
    # the Firebase Admin SDK's Authentication calls: its namespace's auth(), the modular
    # getAuth(app), and TypeScript's compiled named import (medusa-plugin-auth's strategy)
    ("functions/auth.js", "  const decoded = await admin.auth().verifyIdToken(idToken);\n", "firebase-auth",
     "firebase-auth.call.admin_auth"),
    ("src/session.ts", "  const cookie = await getAuth(app).createSessionCookie(idToken, { expiresIn });\n",
     "firebase-auth", "firebase-auth.call.admin_auth"),
    ("auth-strategies/firebase/store.js",
     "            const decodedToken = await (0, firebase_admin_1.auth)().verifyIdToken(token);\n", "firebase-auth",
     "firebase-auth.call.admin_auth"),
    # the AWS SDK v2's module for one service (gatsby-plugin-s3's deployer, an SQS consumer)
    ("src/bin.ts", 'import S3 from "aws-sdk/clients/s3";\n', "s3", "s3.import.javascript"),
    ("lib/queue.js", "const SQS = require('aws-sdk/clients/sqs');\n", "sqs", "sqs.import.javascript"),
    # multer's storage engines for Blob Storage and Cloud Storage, and winston's Blob Storage
    # transport, as an app's dependencies (Flowise's uploads and logs)
    ("package.json", '{"dependencies": {"multer-azure-blob-storage": "^1.2.0", "multer-cloud-storage": "^4.0.0"}}',
     "azure-blob", "azure-blob.dependency.npm"),
    ("package.json", '{"dependencies": {"multer-cloud-storage": "^4.0.0"}}', "gcs", "gcs.dependency.npm"),
    # Colyseus's game server on its WebSocket transport, as @colyseus/tools starts it
    ("src/index.ts", "import { WebSocketTransport } from '@colyseus/ws-transport';\n", "websockets",
     "websockets.import.javascript"),
    # Mopidy.js connected from a web client of the music server (MusicBox's gui.js)
    ("mopidy_musicbox_webclient/static/js/gui.js", "    mopidy = new Mopidy(connectOptions)\n", "websockets",
     "websockets.call.mopidy_js"),
    # an OpenID Connect provider run by the app signs ID tokens as JWTs (Ts.ED's OIDC module)
    ("lib/services/OidcProvider.js", 'const oidc_provider_1 = require("oidc-provider");\n', "jwt",
     "jwt.import.javascript"),
    # a remote persister polling its URL through the library's own interval helper (TinyBase)
    ("persisters/persister-remote/index.js", "      startInterval(poll, autoLoadIntervalSeconds),\n", "polling",
     "polling.call.1"),
    # stores named for the file system shortened to FS: Automerge Repo's Node.js adapter
    ("src/index.ts", "export class NodeFSStorageAdapter implements StorageAdapterInterface {\n", "local-files",
     "local-files.call.store_class"),
    # FoalTS's local disk, a Disk kept in a directory
    ("lib/local-disk.service.js", "class LocalDisk extends disk_service_1.Disk {\n", "local-files",
     "local-files.call.local_backend_class"),
    # lomond, a WebSocket client (Determined's CLI streams from its master)
    ("determined/common/detlomond.py", "import lomond\n", "websockets", "websockets.import.python"),
    # Redis-only libraries handed the app's client: RSMQ's worker, Redlock's locks
    ("worker.js", "var RSMQ = require('rsmq');\n", "redis", "redis.import.javascript"),
    ("src/lock.ts", "import Redlock from 'redlock';\n", "redis", "redis.import.javascript"),
    # dirty, a JSON-lines file database (Etherpad's default through ueberdb2)
    ("src/dirty_db.js", 'import { Dirty } from "dirty-ts";\n', "local-files", "local-files.import.javascript"),
    # received mail delivered to a Maildir (aiosmtpd's Mailbox handler)
    ("aiosmtpd/handlers.py", "        self.mailbox = mailbox.Maildir(mail_dir)\n", "local-files",
     "local-files.call.python_mailbox"),
    # JWTs signed with jws (google-auth-library's service-account assertions) or checked by
    # Auth0's idtoken-verifier (auth0.js)
    ("src/auth/jwtclient.js", "const jws = require(\"jws\");\n", "jwt", "jwt.import.javascript"),
    ("src/authentication/index.js", "import IdTokenVerifier from 'idtoken-verifier';\n", "jwt", "jwt.import.javascript"),
    # LMDB's Go bindings (Mender's client keeps its state in an LMDB store)
    ("store/lmdb_store.go", 'import "github.com/bmatsuo/lmdb-go/lmdb"\n', "local-files", "local-files.import.go"),
    # boto3's clients made through a module's own helper (Salt's boto3 modules)
    ("saltext/boto3/modules/boto3_s3.py", '    conn = _get_conn("s3", region=region, key=key, keyid=keyid)\n', "s3",
     "s3.call.1"),
    ("saltext/boto3/modules/boto3_sqs.py", "    conn = boto3mod.get_connection('sqs', region=region)\n", "sqs",
     "sqs.call"),
    ("salt/modules/boto3_ses.py", '    conn = _get_conn("ses", region=region, key=key, keyid=keyid)\n', "ses",
     "ses.call.1"),
    # Total.js's file databases, opened by name or placed under its databases folder
    ("controllers/api.js", "    NOSQL('users').insert(model).callback($.done());\n", "local-files",
     "local-files.call.totaljs_file_db"),
    ("index.js", "\t\tdb = framework_nosql.table(name, F.path.databases(name));\n", "local-files",
     "local-files.call.totaljs_file_db"),
    # a phone app's own files: Capacitor's file system, Cordova's File plugin (imported by
    # the plugins built on it, its folders named in an app) and NativeScript's documents
    ("src/storage.ts", "import { Filesystem, Directory } from '@capacitor/filesystem';\n", "local-files",
     "local-files.import.javascript"),
    ("src/android/FileTransfer.java", "import org.apache.cordova.file.FileUtils;\n", "local-files",
     "local-files.import.java"),
    ("www/js/notes.js", "  window.resolveLocalFileSystemURL(cordova.file.dataDirectory, onDir, onError);\n",
     "local-files", "local-files.call.mobile_app_files"),
    ("app/notes.ts", "const file = knownFolders.documents().getFile('notes.json');\n", "local-files",
     "local-files.call.mobile_app_files"),
    # an Android app's files folder (expo-updates keeps its downloaded updates there)
    ("android/src/main/java/expo/modules/updates/UpdatesUtils.kt",
     "    val updatesDirectory = File(context.filesDir, UPDATES_DIRECTORY_NAME)\n", "local-files",
     "local-files.call.android_app_files"),
    # the Maps SDK for Android, imported or declared in a Gradle script beside build.gradle
    # (NativeScript's include.gradle)
    ("android/src/main/java/com/acme/maps/MapActivity.java", "import com.google.android.gms.maps.GoogleMap;\n",
     "google-maps", "google-maps.import.java"),
    ("platforms/android/include.gradle",
     "dependencies {\n    implementation 'com.google.android.gms:play-services-maps:18.2.0'\n}\n", "google-maps",
     "google-maps.dependency.maven"),
    # Twilio's Voice SDK for Android (its React Native wrapper)
    ("android/src/main/java/com/twiliovoicereactnative/VoiceModule.java", "import com.twilio.voice.Call;\n",
     "twilio", "twilio.import.java"),
    # a class named for the database alone, its line ending there, with its body below
    # (Sentry's Ruby SDK's Redis span recorder)
    ("lib/sentry/redis.rb", 'module Sentry\n  class Redis\n    OP_NAME = "db.redis.command"\n', "redis",
     "redis.call.driver_class"),
    # jwks-rsa's key sets, which verify JWTs (a Java API checking bearer tokens)
    ("src/main/java/com/acme/auth/TokenVerifier.java", "import com.auth0.jwk.JwkProvider;\n", "jwt",
     "jwt.import.java"),
    # aws-lite's S3 plugin, loaded by Architect's static-asset proxy; the AWS SDK v2's S3
    # client required by its file's path, extension and all (Middy's S3 Object Lambda)
    ("src/lib/get-s3.js", "let { s3 } = await awsLite({ region, plugins: [ import('@aws-lite/s3') ] })\n", "s3",
     "s3.import.javascript"),
    ("src/s3-object-response.js", "const S3 = require('aws-sdk/clients/s3.js'); // v2\n", "s3",
     "s3.import.javascript"),
    # GraphQL subscriptions over a WebSocket: Refine's Hasura live provider re-exports
    # graphql-ws's client
    ("src/index.ts", 'export * as graphqlWS from "graphql-ws";\n', "websockets", "websockets.import.javascript"),
    # a table, bucket, queue or topic provisioned in an AWS CDK stack, in each CDK language:
    # TypeScript (v2's aws-cdk-lib, v1's per-service packages), Python (one import to a line,
    # as `cdk init` writes them, or on one line), Go, Java and C#
    ("infra/lib/data-stack.ts", "import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';\n", "dynamodb",
     "dynamodb.import.javascript"),
    ("infra/package.json", '{"dependencies": {"@aws-cdk/aws-sqs": "1.204.0"}}', "sqs", "sqs.dependency.npm"),
    ("infra/stacks/storage_stack.py", "from aws_cdk import (\n    Stack,\n    aws_s3 as s3,\n)\n", "s3",
     "s3.import.python_cdk"),
    ("infra/stacks/queue_stack.py", "from aws_cdk import Duration, aws_sqs as sqs\n", "sqs", "sqs.import.python"),
    ("infra/stack.go", 'package infra\n\nimport (\n\t"github.com/aws/aws-cdk-go/awscdk/v2/awssns"\n)\n', "sns",
     "sns.import.go"),
    ("infra/src/main/java/com/acme/AuthStack.java", "import software.amazon.awscdk.services.cognito.UserPool;\n",
     "cognito", "cognito.import.java"),
    ("infra/src/Infra/DataStack.cs", "using Amazon.CDK.AWS.DynamoDB;\n", "dynamodb", "dynamodb.import.csharp_cdk"),
    # a CDK v1 Java stack's Maven artifact for a module named in two words
    ("infra/pom.xml", "<project><dependencies><dependency><groupId>software.amazon.awscdk</groupId>"
     "<artifactId>sns-subscriptions</artifactId><version>1.204.0</version></dependency></dependencies></project>\n",
     "sns", "sns.dependency.maven"),
    # a resource of the type in a CloudFormation or SAM template, or in code that writes one
    # (an Architect plugin adding buckets to the app's template)
    ("template.yaml", "Resources:\n  Uploads:\n    Type: AWS::S3::Bucket\n", "s3", "s3.cloudformation"),
    ("cfn/tables.json", '{"Resources": {"Sessions": {"Type": "AWS::Serverless::SimpleTable"}}}', "dynamodb",
     "dynamodb.cloudformation"),
    ("src/index.js", "      cfn.Resources[Bucket] = {\n        Type: 'AWS::S3::Bucket',\n", "s3", "s3.cloudformation"),
    # MCP's WebSocket transport, imported by its file's path (Inngest's AgentKit)
    ("src/mcp.js", 'import { WebSocketClientTransport } from "@modelcontextprotocol/sdk/client/websocket.js";\n',
     "websockets", "websockets.import.javascript"),
    # a WebSocket API in API Gateway declared as infrastructure: the CDK's WebSocketApi, a SAM
    # template's API with `ProtocolType: WEBSOCKET`, Terraform's `protocol_type = "WEBSOCKET"`
    ("infra/lib/chat-stack.ts", "const api = new apigwv2.WebSocketApi(this, 'ChatApi', {\n", "websockets",
     "websockets.call.apigateway_websocket_api"),
    ("template.yaml", "Resources:\n  ChatApi:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n"
     "      ProtocolType: WEBSOCKET\n", "websockets", "websockets.call.apigateway_websocket_api"),
    ("infra/chat.tf", 'resource "aws_apigatewayv2_api" "chat" {\n  protocol_type = "WEBSOCKET"\n}\n', "websockets",
     "websockets.call.apigateway_websocket_api"),
    # requests-cache's response cache on its default back end, SQLite, installed or as a session
    ("tap_stackexchange/client.py", "from requests_cache import install_cache\n\n"
     "install_cache(expire_after=3600, filter_fn=lambda r: not has_backoff(r))  # 1 hour\n",
     "sqlite", "sqlite.call.requests_cache_default"),
    ("app/github.py", "session = requests_cache.CachedSession(\n    'github',\n    expire_after=timedelta(hours=1),\n)\n",
     "sqlite", "sqlite.call.requests_cache_default"),
    ("app/cache.py", "requests_cache.install_cache('api', backend='sqlite', expire_after=300)\n",
     "sqlite", "sqlite.call.requests_cache_default"),
    # Cognito's endpoint prefix with a region as the second argument is still a client, not an
    # operation table's pair
    ("app/auth.py", 'idp = boto3.client("cognito-idp", "eu-west-1")\n', "cognito", "cognito.call.signed_request"),
    # a Singer file target's output folder, from its config: its records are written there
    ("target_jsonl.py", "    persist_messages(\n        config.get('delimiter', ','),\n"
     "        config.get('destination_path', ''),\n", "local-files", "local-files.call.singer_destination_path"),
    # a framework's mailer (SMTP), as an extension or module imports it: CKAN's, Tryton's
    ("ckanext/harvest/logic/action/update.py", "import ckan.lib.mailer as mailer\n\nmailer.mail_recipient(**email)\n",
     "smtp", "smtp.call.framework_mailer"),
    ("ckanext/issues/notify.py", "from ckan.lib import helpers as h, mailer\n", "smtp", "smtp.call.framework_mailer"),
    ("trytond/modules/notification_email/notification.py",
     "from trytond.sendmail import SMTPDataManager, send_message_transactional\n", "smtp", "smtp.call.framework_mailer"),
    # a requirements/ directory of pip files, as cookiecutter-django and pip-tools lay them
    # out (requirements/base.txt, production.txt) and Pootle's optional database extras
    ("requirements/_db_postgresql.txt", "# PostgreSQL Database\npsycopg2>=2.4.5,<=2.7.3.1\n", "postgres",
     "postgres.dependency.pypi"),
    ("requirements/production.in", "-r base.in\nsentry-sdk[django]\n", "sentry", "sentry.dependency.pypi"),
    # a framework's backend for local disk, beside its cloud ones
    ("drivers/file_manager/local_file_manager_driver.py",
     "@define\nclass LocalFileManagerDriver(BaseFileManagerDriver):\n    workdir: str = field()\n", "local-files",
     "local-files.call.local_backend_class"),
    # a branch on the sign-in provider in use (Flask-AppBuilder's OAuth user info)
    ("security/manager.py", 'if provider == "okta":\n    data = self.appbuilder.sm.oauth_remotes[provider].get("userinfo")\n',
     "okta", "okta.call.driver_check"),
    ("security/manager.py", 'if provider in ["keycloak", "keycloak_before_17"]:\n    pass\n', "keycloak",
     "keycloak.call.driver_check"),
    # Mongoid as an ORM (Devise)
    ("lib/devise/orm/mongoid.rb", "ActiveSupport.on_load(:mongoid) do\n  require 'orm_adapter/adapters/mongoid'\nend\n",
     "mongodb", "mongodb.call.mongoid"),
    # Matomo's tracking snippet inline in an HTML template (Shaarli's Piwik plugin)
    ("plugins/piwik/piwik.html", "<script>\n  var _paq = _paq || [];\n  _paq.push(['trackPageView']);\n</script>\n",
     "matomo", "matomo.call"),
    # a table naming the provider packages to import at run time (LangChain's initChatModel)
    ("chat_models/universal.js", 'groq: {\n\t\tpackage: "@langchain/groq",\n\t\tclassName: "ChatGroq"\n\t},\n', "groq",
     "groq.import.javascript"),
    ("chat_models/universal.js", 'azure_openai: {\n\t\tpackage: "@langchain/openai",\n\t\tclassName: "AzureChatOpenAI"\n\t},\n',
     "azure-openai", "azure-openai.call.1"),
    # an S3 client handed in by name (Flask-Admin's file admin)
    ("contrib/fileadmin/s3.py", "class S3Storage:\n    def __init__(self, s3_client, bucket_name):\n        self.s3_client = s3_client\n",
     "s3", "s3.call.client_variable"),
    # Redis borrowed from Sidekiq's pool (sidekiq-cron)
    ("lib/sidekiq/cron/job.rb", "enqueue = Sidekiq.redis do |conn|\n  conn.hset(key, 'status', 'enabled')\nend\n", "redis",
     "redis.call.ruby_client"),
    # Flysystem's local adapters (v1 and v3)
    ("app/Storage.php", "<?php\nuse League\\Flysystem\\Local\\LocalFilesystemAdapter;\n", "local-files",
     "local-files.import.php"),
    # a branch on the TypeORM data source's type (NestJS's TypeORM module)
    ("lib/typeorm.providers.js", "return dataSource.options.type === 'mongodb'\n  ? dataSource.getMongoRepository(entity)\n  : dataSource.getRepository(entity);\n",
     "mongodb", "mongodb.call.driver_check"),
    # branching on Doctrine DBAL's platform
    ("Doctrine/Transport/Connection.php",
     "<?php\nif ($this->driverConnection->getDatabasePlatform() instanceof MySQLPlatform) {\n", "mysql",
     "mysql.call.dbal_platform"),
    # SQLAlchemy table options for one dialect (sopel's db.py)
    ("sopel/db.py", "MYSQL_TABLE_ARGS = {'mysql_engine': 'InnoDB',\n                    'mysql_charset': 'utf8mb4'}\n",
     "mysql", "mysql.call.sqlalchemy_dialect_option"),
    ("app/models.py", "Index('ix_live', Job.state, postgresql_where=Job.state == 'live')\n", "postgres",
     "postgres.call.sqlalchemy_dialect_option"),
    # branching on the store's own type, and a default dialect (sopel, rasa)
    ("sopel/db.py", "            elif self.type == 'postgres':\n                drivername = 'postgresql'\n",
     "postgres", "postgres.call.driver_check"),
    ("rasa/core/tracker_store.py", '    def __init__(self, domain, dialect: Text = "sqlite", host=None):\n',
     "sqlite", "sqlite.call.driver_check"),
    ("store/db.py", "    drivername = config.core.db_driver or 'mysql'\n", "mysql", "mysql.call.driver_check"),
    # state kept on disk (Reflex's StateManagerDisk)
    ("reflex/istate/manager/disk.py", "class StateManagerDisk(StateManager):\n    pass\n", "local-files",
     "local-files.call.state_on_disk_class"),
    # a file store as esbuild bundles a class (AdonisJS's session store), and flydrive's drivers
    ("lib/stores/file.js", "import { writeFile } from \"fs/promises\";\nvar FileStore = class {\n};\n",
     "local-files", "local-files.call.store_class"),
    ("lib/services/main.js", 'const { FSDriver } = await import("flydrive/drivers/fs");\n', "local-files",
     "local-files.import.javascript"),
    # an LDAP import source built on the app's hook class (Icinga Director)
    ("library/Director/Import/ImportSourceLdap.php",
     "<?php\nnamespace Icinga\\Module\\Director\\Import;\n\nclass ImportSourceLdap extends ImportSourceHook\n{\n}\n",
     "ldap", "ldap.call.ldap_class"),
    # a Sidekiq job pushed by hand onto its queue's Redis list (GitLab's mail_room)
    ("lib/mail_room/delivery/sidekiq.rb",
     '        client.lpush("queue:#{options.queue}", JSON.generate(item))\n', "sidekiq", "sidekiq.call.queue_push"),
    # Symfony Cache's file adapter
    ("src/Kernel.php", "<?php\n$cache = new FilesystemAdapter('app', 0, $cacheDir);\n", "local-files",
     "local-files.call.php_file_adapter"),
    # a dashboard that polls through its own fetch method (pyLoad) or a function handed in
    ("webui/js/dashboard.js", "    this.fetchInterval = setInterval(() => this.fetchLinks(), 1000);\n", "polling",
     "polling.call.1"),
    ("static/status.js", "const timer = setInterval(pollStatus, 5000);\n", "polling", "polling.call.1"),
    # go-redis's old gopkg.in path (go-macaron's session provider), and a Go package of a
    # cache kept on disk (httpcache's diskcache on diskv)
    ("session/redis/redis.go", 'package session\n\nimport (\n\t"gopkg.in/redis.v2"\n)\n', "redis", "redis.import.go"),
    ("httpcache/diskcache/diskcache.go", "package diskcache\n", "local-files", "local-files.call.go_package"),
    # a message queue kept in a file (SAP CAP's development messaging), and SAP's XSUAA
    # token validation
    ("libx/_runtime/messaging/file-based.js", "class FileBasedMessaging extends MessagingService {\n}\n",
     "local-files", "local-files.call.file_queue_class"),
    ("lib/srv/middlewares/auth/xssec.js", "  const xssec = require('@sap/xssec')\n", "jwt", "jwt.import.javascript"),
    # Ruby: a branch on the database as a symbol (Moneta's Sequel adapter), the Cassandra
    # driver, Sidekiq's middleware API (GitLab LabKit) and fog's Local provider
    ("lib/moneta/adapters/sequel.rb", "        case backend.database_type\n        when :mysql\n          extend MySQL\n",
     "mysql", "mysql.call.driver_check"),
    ("lib/moneta/adapters/cassandra.rb", "require 'cassandra'\n", "cassandra", "cassandra.import.ruby"),
    ("lib/labkit/middleware/sidekiq/client.rb", "          @chain ||= ::Sidekiq::Middleware::Chain.new do |chain|\n",
     "sidekiq", "sidekiq.call.api"),
    ("config/initializers/carrierwave.rb",
     "config.fog_credentials = { provider: 'Local', local_root: Rails.root.join('uploads') }\n", "local-files",
     "local-files.call.fog_local"),
    # a WebSocket built from a constructor picked at run time, and MCP's SSE client
    # transport (OpenAI's Agents SDK)
    ("lib/responsesWebSocketConnection.js", "            socket = new WebSocketCtor(url, { headers });\n",
     "websockets", "websockets.call.1"),
    ("lib/shims/mcp-server/node.js", "            this.transport = new SSEClientTransport(new URL(this.params.url), {\n",
     "sse", "sse.call.mcp_transport"),
    # an error handler for SQLite's result codes, and a branch on the knex driver's name
    # (Feathers' knex adapter)
    ("lib/error-handler.js", "  } else if (error.code === 'SQLITE_ERROR') {\n", "sqlite", "sqlite.call.result_code"),
    ("lib/adapter.js", "    if (!filters.$sort && builder.client.driverName === 'mssql') {\n", "mssql",
     "mssql.call.driver_check"),
    # an endpoint for SNS's HTTP notifications (django-ses), and Dash's disk-cache results
    ("django_ses/utils.py", '        cert_url = self._data.get("SigningCertURL")\n', "sns", "sns.call.http_notifications"),
    ("dash/background_callback/managers/diskcache_manager.py", "            import diskcache\n", "local-files",
     "local-files.import.python"),
    # LangChain's Bedrock chat model imported from the package's top level
    ("agent/llm.py", "from langchain_aws import ChatBedrockConverse\nllm = ChatBedrockConverse(model=m)\n", "bedrock",
     "bedrock.call.langchain_class"),
    # ruby-ldap's C binding (Puppet's LDAP node terminus).
    ("lib/puppet/util/ldap/connection.rb", "@connection = LDAP::SSLConn.new(host, port, true)\n", "ldap",
     "ldap.call.ruby_ldap"),
]


@pytest.mark.parametrize(("path", "content", "provider", "rule"), REAL_USAGE, ids=[r[0] for r in REAL_USAGE])
def test_finds_real_usage(tmp_path, rules, path, content, provider, rule):
    result = run(tmp_path, {path: content}, rules)
    assert provider in providers(result)
    assert rule in [r for _, _, r in evidence(result, provider)]


TRAPS = [
    ("kombu serves every broker, so it says nothing of rabbitmq", {"tasks.py": "from kombu import Queue\n"}),
    ("MAIL_MAILER names a mailer of any kind, not SMTP", {".env.example": "MAIL_MAILER=log\n"}),
    ("a framework config listing every database driver it supports", {"config/database.php": (
        "<?php\nreturn ['connections' => [\n"
        "    'pgsql' => ['driver' => 'pgsql', 'charset' => 'utf8'],\n"
        "    'sqlsrv' => ['driver' => 'sqlsrv', 'charset' => 'utf8'],\n]];\n")}),
    ("stripe as a css class", {"web/site.css": ".stripe { color: red }\n", "web/page.tsx": "<div className=\"stripe\" />\n"}),
    ("providers in a README and changelog", {"README.md": "We use Stripe, Twilio and OpenAI.\nimport stripe\n", "CHANGELOG.md": "- moved off mailgun\n"}),
    ("commented-out imports", {"a.py": "# import stripe\n# from openai import OpenAI\n", "b.ts": "// import OpenAI from 'openai'\n/* import { Resend } from 'resend' */\n", "c.go": "package c\n// \"github.com/redis/go-redis/v9\"\n"}),
    ("url in a docstring", {"db.py": '"""Connect with postgres://u:p@localhost/db."""\n\ndef f():\n    """See redis://cache:6379."""\n'}),
    ("vendored node_modules", {"node_modules/stripe/index.js": "const s = require('stripe');\n", "vendor/twilio/x.php": "<?php\nuse Twilio\\Rest\\Client;\n"}),
    ("other vendored-tree names", {"3rdparty/redis/client.py": "import redis\n", "src/thirdparty/pg/db.go":
                                   'package pg\nimport "github.com/lib/pq"\n', "vendors/stripe/init.php": "<?php\nuse Stripe\\StripeClient;\n",
                                   "lib/3rdParty/composer/monolog/monolog/composer.json":
                                   '{"require": {"predis/predis": "^1.1"}}'}),
    ("a bundled framework", {
        "www/api/lib/Cake/Cache/Engine/RedisEngine.php": "<?php\n$this->_Redis = new Redis();\n",
        "wp-includes/SimplePie/Cache/Memcached.php": "<?php\n$this->cache = new Memcached();\n"}),
    ("another project's release unpacked into the tree", {
        "h2database-1.4.197/pom.xml": "<project><artifactId>h2</artifactId></project>\n",
        "h2database-1.4.197/src/main/org/h2/server/web/WebServer.java": (
            'String[] GENERIC = {"jdbc:postgresql://localhost/test", "jdbc:mysql://localhost:3306/test"};\n'),
        "web/js/jquery-ui-1.12.1/LICENSE.txt": "Copyright jQuery Foundation\n",
        "web/js/jquery-ui-1.12.1/demo.js": "const s = require('stripe');\n"}),
    ("a general library a package keeps an old copy of under vendored/", {
        "gslib/vendored/boto/boto/ses/connection.py": "    DefaultRegionEndpoint = 'email.us-east-1.amazonaws.com'\n",
        "botocore/vendored/requests/api.py": "import redis\n"}),
    ("a package Bower installed where the app keeps its static files", {
        "nbviewer/static/components/reveal.js/.bower.json": '{"name": "reveal.js", "version": "2.6.2"}\n',
        "nbviewer/static/components/reveal.js/package.json": '{"dependencies": {"socket.io": "~0.9.16"}}\n',
        "nbviewer/static/components/reveal.js/index.html":
            '<section data-background-video="https://s3.amazonaws.com/static.slid.es/v.mp4"></section>\n'}),
    ("POM entries the build does not bring in", {"pom.xml": (
        "<project>\n<dependencyManagement><dependencies>\n<dependency>\n<groupId>org.elasticsearch.client</groupId>\n"
        "<artifactId>elasticsearch-rest-high-level-client</artifactId>\n</dependency>\n</dependencies></dependencyManagement>\n"
        "<build><plugins><plugin><artifactId>docker-maven-plugin</artifactId><dependencies><dependency>\n"
        "<groupId>org.mongodb</groupId><artifactId>mongodb-driver-sync</artifactId></dependency></dependencies></plugin>\n"
        "</plugins></build>\n<dependencies>\n<!-- <dependency><groupId>redis.clients</groupId><artifactId>jedis</artifactId>"
        "</dependency> -->\n<dependency><groupId>com.yourkit</groupId><artifactId>yjp-controller-api-redist</artifactId>"
        "</dependency>\n</dependencies>\n</project>\n")}),
    ("a mailbox's maildir column, an IMAP folder and sendmail's path", {
        "model/MailboxHandler.php": "<?php\n$mailbox['maildir'] = $domain . '/' . $user . '/';\n",
        "prefs.php": "<?php\n$prefs['sent_mail_folder'] = array('value' => 'Sent');\n",
        "php.ini": "sendmail_path = /usr/sbin/sendmail -t -i\n"}),
    ("model ids that are not a provider's route", {
        "embed.py": 'model = SentenceTransformer("openai/clip-vit-base-patch32")\n',
        "costs/model_cost_manifest.json": '{"models": [{"name": "mistral/codestral-2508", "source": "litellm"}]}\n',
        "hf.py": 'pipe = pipeline(model="mistralai/Mistral-7B-Instruct-v0.2")\n'}),
    ("py-amqp pinned as a transitive dependency", {"requirements.txt": "amqp==5.2.0\nvine==5.1.0\n"}),
    ("an uploaded file object, and S3 or in-memory stores", {"upload.py": (
        "from werkzeug.datastructures import FileStorage\nstore = InMemoryFileSystemStore()\n"),
        "S3.java": "FileStore s = new S3FileStore(bucket);\n"}),
    ("a key store directory is not the app's storage", {"ssl.go": "package ssl\nvar keyStoreDir = cfg.KeyStoreDir\n",
                                                       "tls.py": "TRUSTSTORE_DIR = '/etc/ssl'\n"}),
    ("binary with a provider name", {"assets/blob.py": b"\x00\x01import stripe\n\x00"}),
    ("lock files", {"package-lock.json": '{"packages": {"node_modules/stripe": {}}}', "poetry.lock": '[[package]]\nname = "openai"\n'}),
    ("minified bundle", {"static/app.min.js": "require('openai');\n"}),
    ("identifiers that merely contain a provider", {"a.py": "import stripe_helpers_local\nfrom mystripe import x\nredis_like = 1\n"}),
    ("indirect go deps", {"go.mod": "module x\n\nrequire github.com/stripe/stripe-go/v81 v81.0.0 // indirect\n"}),
    ("output and cache directories are build settings", {"vue.config.js": "module.exports = { outputDir: 'dist' };\n",
                                                         "conf.py": "CACHE_DIR = '/tmp/c'\ntmp_dir = mkdtemp()\n"}),
    ("a volumes list in compose is not a Dockerfile VOLUME", {"docker-compose.yml": "services:\n  web:\n    volumes:\n      - ./src:/app\n"}),
    ("a commented-out URL in a shell script", {"run.sh": "#!/bin/sh\n# DATABASE_URL=postgres://u:p@db/app\nexec app\n"}),
    ("a model whose name is compared with a database's", {"a.py": "if model.name == 'gpt-4':\n    pass\n"}),
    ("an in-memory SQLite database is not a connection", {"app.py": "DB_URI = 'sqlite:///:memory:'\n"}),
    ("Django's console and file mail backends are not SMTP", {"settings.py": (
        'EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"\n')}),
    ("PHP's in-memory SQLite3 and a database's own directory", {
        "cli/splice_rrd.php": "<?php\n$db = new SQLite3(':memory:');\n",
        "include/class_core.inc": "<?php\n$o = array('name' => 'statsDatabaseDirectory');\n"}),
    ("an app's own getAuth() is not Firebase", {"rest.js": "function getAuth(options = {}, config) {\n  return null;\n}\n"}),
    ("authlib is an OAuth library, not JWT auth by itself", {"requirements.txt": "authlib==1.3.0\n"}),
    ("a Next.js static export is build output", {"interface/compiled/_next/static/chunks/77-abc.js":
                                                  "setInterval(function(){fetch('/api/poll')},5e3);\n"}),
    ("a minified bundle without a .min name", {"static/chunks/app.js":
                                               "var a=1;" * 700 + "setInterval(function(){fetch('/x')},5e3);\n"}),
    ("a bare sqlite:// is SQLAlchemy's in-memory database", {"db.py": "ENGINE_URL = 'sqlite://'\n"}),
    ("a list of link protocols a wiki allows", {"includes/Config.php": (
        "<?php\n$protocols = ['ftp://', 'irc://', 'nntp://', 'redis://', 'sftp://', 'ssh://'];\n")}),
    ("bundler output named by content hash", {"ui/assets/filter-CdCkAX6y.js": "useQuery({ refetchInterval: 5000 });\n",
                                               "ui/assets/queues-GsAOOXPm.js": "useQuery({ refetchInterval: 5000 });\n",
                                               "static/main.3f9a1c2b.js": "new EventSource('/events');\n"}),
    ("Mock Service Worker's generated script", {"public/mockServiceWorker.js":
                                                "const sse = type.startsWith('text/event-stream');\n"}),
    ("CouchDB's _bulk_docs is not Elasticsearch", {"couch.js": "await fetch(`${db}/_bulk_docs`, opts);\n"}),
    ("form fields named _search and _bulk", {"edit.php": "<?php\n$f->add(['name' => '_search']);\n",
                                             "forms.py": "if '_bulk' in self.data:\n    pass\n"}),
    ("a public file downloaded from a legacy S3 website URL", {"dl.go": (
        'package dl\nconst u = "https://assets.s3-eu-west-1.amazonaws.com/db.zip"\n')}),
    ("Backblaze B2's native API is not its S3 endpoint", {"b2.go": 'package b2\nconst api = "https://api.backblazeb2.com"\n'}),
    ("a generic OpenID Connect path is not Keycloak", {"oidc.py": 'WELL_KNOWN = "/.well-known/openid-configuration"\n'}),
    ("a method or setting merely named websocket", {"conf.py": "self.websocket = None\nallow_websocket = True\n"}),
    ("a reverse proxy that flushes event streams it passes through", {
        "streaming.go": 'package rp\nfunc f(ct string) bool {\n\treturn ct == "text/event-stream"\n}\n',
        "relay.js": "if (h['content-type'].toLowerCase().indexOf('text/event-stream') >= 0) { streaming = true; }\n",
        "client.py": 'if "text/event-stream" in resp.headers.get("content-type", ""):\n    pass\n'}),
    ("names that only contain a provider's, and its organisation's other libraries", {
        "package.json": '{"dependencies": {"perfect-scrollbar": "1.4.0", "@types/redis": "4.0.0", "redis-mock": "0.56.0"}}',
        "go.mod": "module x\n\nrequire github.com/cockroachdb/datadriven v0.0.0-20190809214429-80d97fb3cbaa\n"}),
    ("the generic async AWS SDK is not S3", {"requirements.txt": "aiobotocore==2.13.0\n"}),
    ("a field named auto_increment is not MySQL DDL", {"Text.java": "public String auto_increment;\n"}),
    ("a TLS hostname check that parses certificate names", {"ZKHostnameVerifier.java": (
        "import javax.naming.ldap.LdapName;\nimport javax.naming.ldap.Rdn;\n"),
        "MxLookup.java": ('env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");\n'
                          "DirContext ctx = new InitialDirContext(env);\n")}),
    ("security-group presets named after services, and a config listing drivers", {
        "local_settings.py": "RULES = {'smtp': {'from_port': '25'}, 'mysql': {'from_port': '3306'}}\n",
        "database.php": "<?php\n$c = ['pgsql' => ['driver' => 'pgsql'], 'sqlite' => ['driver' => 'sqlite']];\n"}),
    ("a split call whose opening line is commented out", {"aws.py": '# client = boto3.client(\n#     "s3",\n# )\n'}),
    ("a service name after an unrelated open parenthesis", {"names.py": 'SERVICES = sorted(\n    ["s3", "sqs"]\n)\n'}),
    ("the word keycloak alone, or a setting that is not the server's", {"sso.py": (
        'PROVIDERS = ["google", "github", "keycloak"]\nkeycloak_client_custom_icon = None\n')}),
    ("another company's Keycloak-hosted token URL is that company's API", {"jotta.go": (
        'package jotta\nconst tokenURL = "https://id.jottacloud.com/auth/realms/jottacloud/protocol/openid-connect/token"\n')}),
    ("a JWT named in prose or a setting, and a provider name that is not a sign-in provider", {
        "auth.py": '# we decode the JWT before checking claims\nJWT_ALGORITHM = "HS256"\n',
        "providers.go": 'package providers\nvar name = "auth0"\nlabel := "auth0"\n',
        # a client reading the claims of a token another service issued (Meltano Cloud's ID token)
        "credentials.py": "def _decode_jwt_claims(token):\n    return {}\n"}),
    ("Go packages for files that are not stored data", {"fileutil.go": "package fileutil\n",
                                                        "filestat.go": "package diskusage\n"}),
    ("type-only imports name a library's types, not a runtime dependency", {
        "src/email/types.ts": "import type { SendMailOptions } from 'nodemailer';\n",
        # a declaration file only describes types, whatever its imports say
        "src/index.bundled.d.ts": "import { SendMailOptions } from 'nodemailer';\n",
        "src/cache.ts": "export type { RedisOptions } from 'ioredis';\n"}),
    ("SMTP commands named in prose or an error code", {
        "smtp.js": "callback(this._formatError('Message too large', 'EMESSAGE', false, 'MAIL FROM'));\n"}),
    ("Redis errors rescued", {"proxy.rb": "rescue Redis::BaseConnectionError\n"}),
    ("a list of model ids another gateway hosts", {"registry.js": (
        'export const GITHUB_MODELS = {\n  models: [\n    "ai21-labs/ai21-jamba-1.5-large",\n'
        '    "cohere/cohere-command-a",\n    "cohere/cohere-command-r",\n  ]\n};\n')}),
    ("typeshed's stub packages type a client, they are not one", {"requirements.txt": "types-redis\ntypes-pymysql\n"}),
    ("a class that resends mail, and a path in some other store", {
        "handlers.ts": "const h = new ResendVerificationHandler(mailer);\n",
        "storage-helper.js": "yield this.storageService.uploadFile(attachment.storagePath, attachment.file);\n"}),
    ("a vendor's status page is not its API", {
        "health_check/contrib/atlassian.py": 'base_url: str = dataclasses.field(default="https://status.sentry.io")\n'}),
    ("a data directory in cloud storage is not local storage", {
        "dbt/target.py": "s3_staging_dir: t.Optional[str] = None\ns3_data_dir: t.Optional[str] = None\n"}),
    ("Athena's staging location declared as a field, not handed over", {
        "src/types.ts": "export interface AthenaOptions {\n  s3StagingDir: string;\n  workGroup?: string;\n}\n"}),
    ("a class named for a database that is not written for it", {
        "models.py": "class PostgresEnumField(models.Field):\n    pass\n"}),
    ("hosts in an ad blocker's globs and a CSP allowlist", {
        "browser_manager.py": 'ad_tracker_patterns = [\n    "**/google-analytics.com/**",\n    "**/doubleclick.net/**",\n]\n',
        "csp.py": 'CSP = "script-src https://*.google-analytics.com"\n',
        "dom_watchdog.py": ("const adDomains = [\n  'doubleclick.net', 'googlesyndication.com', 'googletagmanager.com',\n"
                            "  'hotjar.com', 'clarity.ms', 'mixpanel.com', 'segment.com',\n];\n")}),
    ("a test double for an LDAP server, and LemonLDAP::NG's OpenID Connect", {
        "src/auth.py": "class FakeLdapServer(object):\n    pass\n",
        "providers/lemonldap/provider.py": "class LemonLDAPProvider(OAuth2Provider):\n    id = 'lemonldap'\n"}),
    ("a routed model id in an indented or trailing comment", {"utils.py": (
        'def f(model_name):\n    """Doc."""\n    # router prefixes like "openai/o1-mini", "openrouter/gpt-5.2"\n'
        '    return 1  # "groq/llama3-8b"\n'),
        "router.ts": 'const x = 1;  // e.g. "groq/llama3-8b"\n'}),
    ("a timer that only redraws a clock", {"clock.js": "setInterval(() => this.updateClock(), 1000);\n"}),
    ("Bottle copied in as one file, with its Socket.IO server adapter", {
        "pypiserver/bottle_wrapper/bottle.py": ("class GeventSocketIOServer(ServerAdapter):\n"
                                                "    def run(self, handler):\n        from socketio import server\n")}),
    ("langchain_aws's Neptune graph is not Bedrock", {
        "driver/neptune.py": "from langchain_aws.graphs import NeptuneAnalyticsGraph, NeptuneGraph\n",
        "requirements.txt": "langchain-aws>=0.2.29\n"}),
    ("a test double of a vendor class, and Local backends that are compute or memory", {
        "payments/fakes.py": "class StripeMockClient:\n    pass\n",
        "drivers/rerank/local_rerank_driver.py": "class LocalRerankDriver(BaseRerankDriver):\n    pass\n",
        "drivers/memory/local_memory.py": "class LocalMemoryDriver(BaseMemoryDriver):\n    pass\n",
        "secrets/local_filesystem.py": "class LocalFilesystemBackend(BaseSecretsBackend, LoggingMixin):\n    pass\n"}),
    ("PEAR-style classes that are not a driver, and a property named for one", {"Horde/Mongo/Exception.php": (
        "<?php\nclass Horde_Mongo_Exception extends Horde_Exception_Wrapped\n{\n}\n"
        "class Horde_File_Csv\n{\n    protected $_redis_prefix = 'x';\n}\n")}),
    ("a RAID controller's disk cache attribute", {
        "plugins/raid/class.raid.inc.php": "<?php\n$dev->addAttribute(\"DiskCache\", $device[\"diskcache\"]);\n",
        "plugins/raid/js/raid_bootstrap.js": 'if (items[i]["@attributes"].DiskCache !== undefined) { x = 1; }\n'}),
    ("a licence saved as a web page, analytics snippet and all", {"LICENSE-MERGELY.html": (
        "<html><head><script async src=\"https://www.googletagmanager.com/gtag/js?id=UA-1234-1\"></script>"
        "</head><body>MIT License</body></html>\n")}),
    ("a model family's request shape on Bedrock, and React's SuspenseList order", {
        "configs/llms/aws_bedrock.py": 'if self.provider == "mistral":\n    body = {"prompt": prompt}\n',
        "deps/react-dom.js": "switch (revealOrder) {\n  case 'together': {\n    break;\n  }\n}\n"}),
    ("Firebase's Admin SDK as a dependency, used for Cloud Messaging only", {
        "requirements.txt": "Django\nfirebase-admin\n",
        "push_notifications/gcm.py": "from firebase_admin import messaging\n"}),
    ("a PayPal donate link", {"conf/interwiki.conf": "paypal    https://www.paypal.com/cgi-bin/webscr?cmd=_xclick\n"}),
    ("a provider's name as a plain value in a JSON table, not a settings object",
     {"config/labels.json": '{\n  "okta": "Okta",\n  "auth0": "Auth0"\n}\n'}),
    ("a timer calling a WebAssembly plugin's exported poll(), in process",
     {"src/wasm/loader/plugin-lifecycle.js": "const pollTimer = setInterval(() => {\n    try {\n"
      "        const result = plugin.instance.exports.poll();\n    } catch (e) {}\n}, 1000);\n"}),
    ("a timer whose body only updates the page, with a fetch four lines further down",
     {"src/clock.js": "setInterval(() => {\n  clock.tick();\n  render();\n  paint();\n  draw();\n});\n"
      "function later() { return fetch('/api'); }\n"}),
    ("9200 as a number that is not a port", {"app/limits.py": "MAX_ROWS = 9200\nreport_port = 19200\n"}),
    ("a public image in someone's bucket, linked as an icon",
     {"bridges/QPlayBridge.php": "<?php\nfunction getIcon() {\n    return "
      "'https://s3.amazonaws.com/unode1/assets/4957/apple-touch-icon.png';\n}\n"}),
    ("temporary files written to check a certificate chain",
     {"library/X509/CertificateUtils.php": "<?php\nuse Icinga\\File\\Storage\\TemporaryLocalFileStorage;\n"
      "$files = new TemporaryLocalFileStorage();\n"}),
    ("a one-off retry after a fixed delay", {"src/retry.js": "setTimeout(() => this.fetch(), 500);\n"}),
    ("a timer awaiting local work", {"src/cleanup.js": "setInterval(async () => {\n    await cleanupExpired();\n});\n"}),
    ("EdgeDB's standard-library type names in a code generator",
     {"edgedb/codegen/generator.py": 'TYPE_MAPPING = {\n    "std::str": "str",\n    "std::int16": "int",\n'
      '    "std::uuid": "uuid.UUID",\n    "std::bigint": "int",\n}\n'}),
    ("an editor's extension host, created in a comment and a function name",
     {"src/extensionHost.js": "// Create extension host process for the workbench\nfunction createExtensionHost() {}\n",
      "src/ext.py": "# create extension points for plugins\n"}),
    ("a file session store's methods borrowed by a store that keeps sessions in PostgreSQL",
     {"session_db/pg_session_store.py": "class PGSessionStore(sessions.SessionStore):\n"
      "    rotate = http.FilesystemSessionStore.rotate\n"
      "    generate_key = http.FilesystemSessionStore.generate_key\n"}),
    ("a file watcher waiting for a write to settle, bundled into a package's file utilities",
     {"packages/uib-fs-utils/index.cjs": "      timeoutHandler = setTimeout(awaitWriteFinishFn, pollInterval);\n"}),
    ("Google Maps in a block comment of a page's script (a Node-RED node's editor page)",
     {"cronplus.html": "<script type=\"text/javascript\">\n    /* google maps - future possibility...\n"
      "    checkLoadJsCssFile(\"https://maps.googleapis.com/maps/api/js?v=3\", \"js\");\n    */\n"
      "    RED.nodes.registerType('cronplus', {});\n</script>\n"}),
    ("a vendor's namespaced key in an MCP tool's metadata, and a display name keyed by model id",
     {"src/index.js": "server.addTool({\n  ...scrapeTool,\n  _meta: { \"anthropic/alwaysLoad\": true }\n});\n",
      "eval/leaderboard.py": 'NAMES = {\n    "anthropic/claude-3-5-sonnet-20241022": "Claude 3.5 Sonnet (Oct 2024)",\n}\n'}),
    ("GitHub repositories named in a prompt's examples",
     {"prompts/github/repo_viewer_prompt.py": 'PROMPT = """\nExamples:\n'
      '- {"repo": "huggingface/transformers", "path": "src/transformers/models/albert"}\n'
      '- {"repo": "replicate/cog", "path": "README.md"}\n"""\n'}),
    ("PostgreSQL's cast syntax in a dbt macro for Vertica, which borrowed it",
     {"dbt/include/vertica/macros/materializations/snapshots/strategies.sql":
      "{% macro vertica__snapshot_string_as_time(timestamp) %}\n"
      "    {%- set result = \"('\" ~ timestamp ~ \"'::timestamptz)\" -%}\n    {{ return(result) }}\n{% endmacro %}\n"}),
    ("a hosted index of files named a store (Gemini's file search stores)",
     {"google/genai/types.py": "class FileSearchStore(_common.BaseModel):\n  \"\"\"A collection of Documents.\"\"\"\n",
      "google/genai/file_search_stores.py": "def create(self) -> types.FileSearchStore:\n    ...\n"}),
    ("a headless browser launched, a Telegraf bot on a webhook, Bolt over HTTP",
     {"src/browser.js": "const browser = await chromium.launch({ headless: true });\n",
      "src/bot.js": "bot.launch({ webhook: { domain: 'bot.example.com', port: 8443 } });\n",
      "src/slack.js": "const app = new App({ token, signingSecret, socketMode: false });\n"}),
    ("a Google API's resource types in its protos, and Event Hubs' claims-based token type",
     {"build/protos/protos.json": '"options": {\n  "(google.api.resource).type": "pubsub.googleapis.com/Topic"\n}\n',
      "google/cloud/secretmanager_v1/types/resources.py": "TOPIC = 'pubsub.googleapis.com/Topic'\n",
      "azure/eventhub/_pyamqp/constants.py": 'TOKEN_TYPE_SASTOKEN = "servicebus.windows.net:sastoken"\n'}),
    ("Sanity's GROQ query language, which is not Groq's API",
     {"package.json": '{"dependencies": {"@sanity/client": "^7.0.0", "groq": "^3.88.0", "groq-js": "1.30.3"}}\n'}),
    ("a function that uploads a directory to remote storage or the Hub",
     {"flytekitplugins/huggingface/sd_transformers.py": "ctx.file_access.upload_directory(local_dir, remote_dir)\n",
      "agents.py": "return upload_folder(repo_id=repo_id, folder_path=folder, repo_type='space')\n"}),
    ("a manager of polls that people vote in",
     {"polls/models.py": "class PollManager(models.Manager):\n    def open_polls(self):\n        return self.filter(open=True)\n"}),
    ("QStash, Upstash's message queue, which answers under upstash.io as its Redis does",
     {"qstash/http.py": 'BASE_URL = "https://qstash.upstash.io"\n',
      "src/regions.ts": 'const EU = "https://qstash-eu-central-1.upstash.io";\n'}),
    ("Mapbox's open-source helpers, which call no Mapbox service",
     {"package.json": '{"dependencies": {"@mapbox/point-geometry": "^0.1.0", "@mapbox/node-pre-gyp": "^1.0.11"}}'}),
    ("a secrets manager's wrappers of its own login and credential endpoints",
     {"hvac/api/secrets_engines/__init__.py": "from hvac.api.secrets_engines.rabbitmq import RabbitMQ\n"
      "from hvac.api.auth_methods.okta import Okta\n"}),
    ("a timer that redraws a clock bound to its object",
     {"src/clock.js": "setTimeout(this.updateClock.bind(this), 1000);\n"}),
    ("a spawner that polls its local process, and a camel-cased long-polling setting",
     {"jupyterhub/app.py": "                spawner.start_polling()\n",
      "lib/FirestoreModule.ts": "      'experimentalForceLongPolling',\n"}),
    ("a kind of cache a bundled library offers, named for a database among other words",
     {"src/org/apache/commons/jcs3/auxiliary/disk/jdbc/mysql/MySQLDiskCache.java":
      "public class MySQLDiskCache<K, V>\n    extends JDBCDiskCache<K, V>\n"}),
    ("a secret scanner's regular expressions for service hosts and URLs",
     {"src/secretPatterns.yml": "  - pattern:\n      name: AWS ElasticCache\n      regex: '[0-9a-z._-]+.cache.amazonaws.com'\n"
      "  - pattern:\n      name: AWS S3 Bucket\n      regex: s3://[0-9a-z._/-]+\n"
      "  - pattern:\n      name: Cloudinary Credentials\n"
      "      regex: cloudinary://[0-9]+:[A-Za-z0-9\\-_\\.]+@[A-Za-z0-9\\-_\\.]+\n"}),
    ("a Node server's upgrade event, a feature test for EventSource, and a cookie session storage",
     {"server.js": "server.on('upgrade', (req, socket, head) => proxy.ws(req, socket, head));\n",
      "src/wombat.js": "if (self.EventSource) { self.EventSource = wrapEventSource(self.EventSource); }\n",
      "app/sessions.ts": "const storage = createCookieSessionStorage({ cookie });\n"}),
    ("CoffeeScript's comments: a line comment and a block comment naming clients",
     {"src/brain.coffee": "# Redis = require 'redis'\n###\nmongodb = require 'mongodb'\n###\nbrain = {}\n"}),
    ("a bundle's feature test for the runtime's WebSocket, and Nodemailer's MIME composer in an API transport",
     {"src/render-graphiql.js": "if (typeof window != 'undefined') ff = window.WebSocket || window.MozWebSocket;\n",
      "lib/postmark-transport.js": "const MailComposer = require('nodemailer/lib/mail-composer');\n"}),
    ("a list of client authentication methods looked up, and an in-memory LokiJS database",
     {"lib/shared/client_auth.js": "if (['attest_jwt_client_auth', 'attest_jwt_client_auth_dpop']"
      ".includes(ctx.oidc.client.clientAuthMethod)) {}\n",
      "src/cache.js": "const db = new Loki();\n"}),
    ("a list of streaming content types a tracer watches for",
     {"src/integrations/fetchStreamPerformance.js":
      'const STREAMING_CONTENT_TYPES = ["text/event-stream", "application/x-ndjson", "application/stream+json"];\n'}),
    ("Google Sign-In's tokens checked by google-auth-library, whose verifyIdToken has no auth() before it, "
     "and an app's own auth hook",
     {"src/google.js": "const ticket = await client.verifyIdToken({ idToken, audience: CLIENT_ID });\n"
                       "const user = await useAuth().getUserByEmail(email);\n"}),
    ("SAP HANA's catalog queried by its SQLAlchemy dialect: SYS.TABLES is HANA's too",
     {"sqlalchemy_hana/dialect.py": "import hdbcli.dbapi\n\n"
                                    "QUERY = 'SELECT 1 FROM SYS.TABLES WHERE SCHEMA_NAME=:schema'\n"}),
    ("a process sampling its own memory on a timer re-armed with a sampling interval",
     {"index.js": "  const timer = setTimeout(beginMemoryUsageUpdate, sampleInterval)\n  timer.unref()\n"}),
    ("Auth0's fork of an XML parser, a dependency of a SAML strategy",
     {"package.json": '{"name": "passport-wsfed-saml2", "dependencies": {"@auth0/xmldom": "0.1.22"}}\n'}),
    ("error codes and enum members named for a data directory: a number is not a place",
     {"arango/errno.py": "# server database directory is empty\nEMPTY_DATADIR = 1301\n",
      "duplicity/log.py": "    bad_archive_dir = 9\n"}),
    ("an HTML data attribute named like a data directory, in a debug view's template",
     {"src/debug/state-tree.ts": "        rootClass: isRoot ? ' data-root-node=\"true\"' : '',\n"}),
    ("UPnP's class of a media server's folders, mapped to a music library's directories",
     {"mopidy_dleyna/translator.py": '    "container.storageFolder": models.Ref.directory,\n'}),
    ("MongoDB's GridFS and a Git LFS directory: not files on local disk",
     {"lib/gridfs.js": "class GridFsStorage extends EventEmitter {}\n",
      "lfs.go": "type LFSStorageDir string\n"}),
    ("Google Compute's LocalDisk, a model class of its Ruby API client",
     {"compute_alpha/classes.rb": "      class LocalDisk\n        include Google::Apis::Core::Hashable\n"}),
    ("a service named for a file system: a code generator's file helper and a remote file API",
     {"lib/cli.js": "    const fileSystem = new services_1.FileSystemService();\n",
      "mlflow/store/artifact/presigned_url_artifact_repo.py":
          "FILESYSTEM_METHOD_TO_INFO = extract_api_info_for_service(FilesystemService, _REST_API_PATH_PREFIX)\n"}),
    ("empty classes standing in for TypeORM's other drivers, so a bundler can alias them away",
     {"typeorm/NativescriptDriver.js": "export class MongoDriver {\n}\nexport class PostgresDriver {\n}\n"
                                       "export class MysqlDriver {}\n"}),
    ("a test fixture clearing Django's test outbox (pytest-django)",
     {"pytest_django/plugin.py": "def _dj_autoclear_mailbox() -> None:\n    from django.core import mail\n\n"
                                 "    if hasattr(mail, 'outbox'):\n        mail.outbox.clear()\n"}),
    ("the cache and temp folders of a phone app, and its Gradle settings",
     {"www/js/cache.js": "  var dir = cordova.file.cacheDirectory;\n",
      "app/tmp.ts": "const tmp = knownFolders.temp().path;\n",
      "android/src/main/java/Cache.kt": "    val f = File(context.cacheDir, name)\n",
      "settings.gradle": "include ':app'\nrootProject.name = 'demo'\n"}),
    ("Twilio's open-source audio device switcher for Android, in a video SDK",
     {"android/src/main/java/com/livekit/reactnative/audio/AudioDeviceKind.java":
          "import com.twilio.audioswitch.AudioDevice;\n"}),
    ("a pre-populated database asset looked up through a variable named for the files folder",
     {"src/main/java/io/liteglue/SQLitePlugin.java": "    File filesDir = this.getContext().getFilesDir();\n"
                                                    "    File assetFile = new File(filesDir, assetFilePath);\n"}),
    ("every AWS endpoint prefix in a generic client's table, Cognito's among them",
     {"src/lib/services.js": "let services = [ 'codestar-notifications', 'cognito-identity', 'cognito-identity-fips', "
      "'cognito-idp', 'cognito-idp-fips', 'comprehend' ]\n"}),
    ("a type-only import of graphql-ws's Client, the socket the app makes and hands over",
     {"src/liveProvider/index.ts": 'import type { Client } from "graphql-ws";\n'}),
    ("a CloudFormation linter's specification of every resource type, keyed by type",
     {"data/spec.json": '{"ResourceTypes": {"AWS::S3::Bucket": {"Properties": {}}, "AWS::SQS::Queue": {}}}'}),
    ("a resource type in a template's comment",
     {"template.yaml": "Resources:\n  # Type: AWS::DynamoDB::Table (moved to the data stack)\n  Fn:\n"
                       "    Type: AWS::Serverless::Function\n"}),
    ("CouchDB's search indexes under a design document",
     {"src/db/lucene.js": "const fullPath = `${url}/${dbName}/_design/database/_search/${index}`;\n",
      "lib/nano.js": "path: '_partition/' + partition + '/_design/' + ddoc + '/_search/' + searchName,\n"}),
    ("a table of every AWS service's emulated port, Cognito's among them",
     {"localstack_client/config.py": '_service_ports = {\n    "cognito-identity": 4591,\n    "cognito-idp": 4590,\n}\n'}),
    ("an HTTP API in API Gateway, in a SAM template and in Terraform",
     {"template.yaml": "Resources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      ProtocolType: HTTP\n",
      "infra/api.tf": 'resource "aws_apigatewayv2_api" "api" {\n  protocol_type = "HTTP"\n}\n'}),
    ("requests-cache on a back end other than SQLite, by keyword or position, and the function's definition",
     {"app/cache.py": "requests_cache.install_cache('api', backend='memory')\n"
                      "session = requests_cache.CachedSession(\n    'api',\n    expire_after=timedelta(days=1),\n"
                      "    backend='filesystem',\n)\ninstall_cache('api', 'memory')\n",
      "requests_cache/patcher.py": "def install_cache(*args, **kwargs):\n    pass\n"}),
    ("an SMTP host field defined in a JSON schema and a Mongoose model",
     {"tap_outreach/schemas/mailboxes.json": '{"properties": {\n    "smtpHost":  {\n      "type": [\n        "null",\n'
                                             '        "string"\n      ]\n    }\n}}\n',
      "src/models/mailbox.js": "const Mailbox = new Schema({\n  smtpHost: { type: String, required: true },\n});\n"}),
    ("the folder where a database client writes the TLS certificates it was given",
     {"tap_postgres/connection_parameters.py": 'storage_dir = Path(config.get("ssl_storage_directory", ".secrets"))\n'
      "options['sslrootcert'] = _filepath_or_certificate(\n    value=config['ssl_certificate_authority'],\n"
      '    alternative_path=storage_dir / "root.crt",\n)\n'
      "options['sslkey'] = str(STORAGE_PATH / 'client.key')\n"
      "STORAGE_DIR = os.environ.get('SSL_CERTS_DIR', '/etc/app/certs')\n"}),
    ("a table of AWS API operations pairing Cognito's endpoint prefix with an operation",
     {"strands_tools/use_aws.py": 'MUTATIVE_OPERATIONS = [\n    ("cognito-idp", "initiate_auth"),\n'
                                  '    ("cognito-idp", "admin_initiate_auth"),\n]\n'}),
    ("Twitter-style id generators named snowflake",
     {"package.json": '{"dependencies": {"nodejs-snowflake": "^2.0.1", "@sapphire/snowflake": "^3.5.0"}}'}),
    ("a timer's body closed, then a load that runs once",
     {"src/server/Plugin.js": "    this.checker = setInterval(() => {\n      this.dispatcher.recover({ gracePeriod: 6e4 });\n"
      "    }, 3e5);\n    await this.timeoutManager.load();\n"}),
    ("a file cache named in a list of backends a check rejects",
     {"axes/checks.py": "incompatible = [\n    'django.core.cache.backends.locmem.LocMemCache',\n"
      "    'django.core.cache.backends.filebased.FileBasedCache',\n]\n"}),
    ("an AsyncAPI schema describing an SQS channel, for documents",
     {"faststream/specification/asyncapi/v3_0_0/schema/bindings/sqs.py":
      "from faststream.specification.asyncapi.v2_6_0.schema.bindings.sqs import (\n    ChannelBinding,\n)\n"}),
    ("a converter's table of Pydantic's URL types, imported and mapped",
     {"crewai/utilities/pydantic_schema_utils.py": "from pydantic import (\n    MongoDsn,\n    PostgresDsn,\n)\n"
      "FORMATS = {\n    \"multi-host-uri\": PostgresDsn | MongoDsn,\n}\n"}),
    ("a catalog of stores a tool knows, one dotted path a line",
     {"docs_gen/catalog.py": "KNOWN_STORES = [\n    'mem0.vector_stores.mongodb.MongoDB',\n"
      "    \"celery.backends.cassandra:CassandraBackend\",\n]\n"}),
    ("an API route the app serves, named like Elasticsearch's bulk endpoint",
     {"alerta/views/bulk.py": "@api.route('/_bulk/task/<task_id>', methods=['GET'])\ndef task_status(task_id):\n"
      "    return {'Location': absolute_url('/_bulk/task/' + task_id)}\n"}),
    ("extras that install no connection's client", {"requirements.txt": "uvicorn[standard]\npydantic[email]\n"}),
    ("PHP's static call named like a PostgreSQL cast",
     {"library/Icingadb/Common/ObjectInspectionDetail.php": "<?php\nreturn HostStates::text($state);\n"
      "$t = Type::TEXT;\n"}),
    ("a SQLite schema with a type name PostgreSQL also has",
     {"app/src/sql/messages.sql": "CREATE TABLE messages_binary\n  (timestamp TEXT PRIMARY KEY,\n   content bytea);\n"}),
    ("a dialect named only in a SQL comment",
     {"db/schema.sql": "-- on MySQL use AUTO_INCREMENT and ENGINE=InnoDB instead\n/* or PRIMARY KEY AUTOINCREMENT\n"
      "   on SQLite */\nCREATE TABLE t (id integer primary key);\n"}),
    ("imports only a type checker reads",
     {"llama_index/core/voice_agents/websocket.py": "from typing import TYPE_CHECKING\r\n\r\nif TYPE_CHECKING:\r\n"
      "    from websockets.asyncio.client import ClientConnection\r\n    import redis  # for annotations\r\n\r\n"
      "\r\nclass BaseVoiceAgentWebsocket:\r\n    ws: 'ClientConnection'\r\n"}),
    ("a variable's name quoted as code in a warning's text",
     {"opik/evaluation/models/litellm/warning_filters.py": "warnings.filterwarnings(\n    'ignore',\n"
      "    message=r'The secret `HF_TOKEN` does not exist in your Colab secrets',\n)\n"}),
    ("a default model downloaded from a public bucket",
     {"chromadb/utils/embedding_functions/onnx_mini_lm_l6_v2.py": "MODEL_DOWNLOAD_URL = (\n"
      "    'https://chroma-onnx-models.s3.amazonaws.com/all-MiniLM-L6-v2/onnx.tar.gz'\n)\n"}),
    ("a button's script served from someone's public bucket",
     {"plugin/yo_update.rb": "s.src = \"//yoapp.s3.amazonaws.com/js/yo-button.js\";\n"}),
    ("Moneta over a network store, and an adapter setting for something else",
     {"lib/store.rb": "STORE = Moneta.new(:Redis, url: ENV['X'])\n", "config/app.yml": "adapter: :YAMLish\n"}),
    ("a Go module of the app's own, with a test-only requirement",
     {"go.mod": "module github.com/acme/billing\n\ngo 1.22\n\nrequire github.com/stretchr/testify v1.9.0\n"}),
    ("a timeout re-arming a render loop, and a fixed-delay update",
     {"src/anim.js": "setTimeout(draw_loop, FRAME_INTERVAL);\nsetTimeout(updateClock, 1000);\n"}),
    ("a page template with no inner extension stays a page, and a Jinja text template is not read as code",
     {"templates/base.jinja2": "{% block content %}import stripe{% endblock %}\n",
      "templates/mail.txt.jinja2": "from stripe import StripeClient\n"}),
    ("a gem whose own name holds a service's only inside a word", {"fakeredis.gemspec":
     'Gem::Specification.new do |s|\n  s.name = "fakeredis"\nend\n'}),
    ("a Ruby branch on a value that is not a database", {"lib/format.rb": 'case format\nwhen "json", "yaml"\n  dump\nend\n'}),
    ("a bare datadir: files a packager copies, and a word in a database error's name", {
        "mcollective/pluginpackager/agent_definition.rb": '        datadir = File.join(@path, "data", "**")\n',
        "mysqlerr/mysqlerr.go": "package mysqlerr\n\nconst (\n\tER_PATH_IN_DATADIR = 3632\n)\n"}),
    ("a user agent string and a UA- that is not a property id", {"lib/http.js":
     "const headers = { 'User-Agent': 'UA-test' };\nconst code = 'UA-12-3456789';\n"}),
    ("a commented-out bean and hosts named in an XML comment", {"src/main/resources/applicationContext.xml":
     '<beans>\n  <!--\n  <bean id="ds" p:url="jdbc:postgresql://db/app"/>\n  www.google-analytics.com\n  -->\n</beans>\n'}),
    ("an HTTPS Everywhere ruleset names the hosts it upgrades", {"plugins/https_rules/Google.xml":
     '<ruleset name="Google">\n\t<target host="maps.googleapis.com" />\n'
     '\t<rule from="^http://(ssl|www)\\.google-analytics\\.com/"\n\t\tto="https://$1.google-analytics.com/" />\n'
     '</ruleset>\n'}),
    ("a schema of settings that gives each its type", {"mediagoblin/config_spec.ini":
     "[celery]\nCELERY_AMQP_TASK_RESULT_EXPIRES = integer()\nREDIS_PORT = integer()\nREDIS_DB = integer()\n"}),
    ("a database flag turned off, and a name that only starts with a database's", {"app/settings.py":
     "has_mysql = False\nis_sqlite3_available = check()\n"}),
    ("Java's long type before a poll constant, and Telegram's getUpdates called once", {
        "src/main/java/Pool.java": "class Pool {\n    private static final long POLL_TIME_MILLIS = 1000;\n}\n",
        "apprise/plugins/telegram.py": "url = '{}{}/{}'.format(self.notify_url, self.bot_token, 'getUpdates')\n"}),
    ("a wildcard host in a CSP source list, which nothing connects to", {"src/lib/middleware/secure-headers.js":
     "const connectSrc = [\n    'https://forms.hsforms.com',\n    'wss://*.hubspot.com',\n];\n"}),
    ("an object's own poll re-armed in process, and a debounced fetch", {
        "src/connection_monitor.js": "  poll() {\n    this.pollTimeout = setTimeout(() => {\n      this.reconnectIfStale()\n"
        "      this.poll()\n    }\n    , this.getPollInterval())\n  }\n",
        "lib/core/scheduler.js": "        this.timer = setTimeout(() => {\n"
        "            this.poll().catch((e) => this.emit(\"error\", e));\n        }, this.options.timeout);\n",
        "src/search.js": "input.oninput = () => {\n  clearTimeout(t);\n  t = setTimeout(() => {\n"
        "    fetchResults(input.value);\n  }, 300);\n};\n"}),
    ("a provider id that is not an LLM vendor's, and a vendor named unquoted after it",
     {"app/llm.py": 'provider_name = "custom"  # the anthropic-compatible route is elsewhere\n'
      'provider_id = settings.PROVIDER\nlabel = "mistral"\n'}),
    ("a headless browser's profile directory", {"library/Pdfexport/HeadlessChrome.php":
     "        $process = new Process([\n            '--homedir=' => $browserHome,\n"
     "            '--user-data-dir=' => $browserHome\n        ]);\n"}),
    ("Twitter-style snowflake ids, and a server checking what its client accepts",
     {"sentry/api/endpoints/projects.py": "from sentry.utils.snowflake import MaxSnowflakeRetryError\n",
      "server/routes.py": 'if "application/json, text/event-stream" in request.headers.get("accept", ""):\n    pass\n'}),
    ("a module defining a Django email backend for a vendor's API, and a table of cache backends keyed by path",
     {"acme_backend/mail.py": "from django.core.mail import EmailMultiAlternatives\n"
      "from django.core.mail.backends.base import BaseEmailBackend\n\n\n"
      "class AcmeBackend(BaseEmailBackend):\n    def send_messages(self, email_messages):\n        return 0\n",
      "django_ratelimit/checks.py": "KNOWN_BROKEN_CACHE_BACKENDS = {\n"
      "    'django.core.cache.backends.filebased.FileBasedCache': CACHE_NOT_ATOMIC,\n}\n"}),
    ("a class keeping OAuth credentials in a file",
     {"src/main/java/com/google/api/client/auth/oauth2/FileCredentialStore.java":
      "public class FileCredentialStore implements CredentialStore {\n"}),
    ("a database's command-line client looked for, not run", {"scripts/check.py":
     'if shutil.which("psql") is None:\n    raise SystemExit("install psql first")\n'}),
    ("a page's timers that redraw times, not fetch", {
        "shuup/admin/static_src/base/js/timesince.js": "    setInterval(update, 60000);\n",
        "flexmeasures/ui/templates/sensors/status.html": "<script>\n    setInterval(updateTimeAgoDisplays, 10000);\n</script>\n"}),
    ("a browser's localStorage wrapped in a service", {"src/app/core/local-storage.service.ts":
     "export class LocalStorageService {\n  get(key: string) { return window.localStorage.getItem(key); }\n}\n"}),
    ("Django's image-processing app named like ImageKit, and an MFA grant type named by an Auth0 URI", {
        "requirements.txt": "django-imagekit==5.0\n",
        "okta/models/challenge_type.py": 'MFA_OOB = "http://auth0.com/oauth/grant-type/mfa-oob"\n'}),
    ("another Google API on the shared host", {"app/drive.py":
     "files = session.get('https://www.googleapis.com/drive/v3/files').json()\n"}),
    ("a provider's name after OAuth in prose, and OAuth's org path on another service's own host", {
        "docs/setup.py": "# Configure OAuth: Okta, Auth0 or Cognito\nOAUTH_PROVIDERS = ['github']\n",
        "backends/coursera.py": 'ACCESS_TOKEN_URL = "https://accounts.coursera.org/oauth2/v1/token"\n',
        "auth/google.py": 'USERINFO = "https://www.googleapis.com/oauth2/v1/userinfo"\n',
        "oauthenticator/google.py": '        return f"{self.google_api_url}/oauth2/v1/userinfo"\n'}),
    ("a command named like a database's client that is not one", {"cli/main.py":
     "subcommand = 'migrate'\ncommands = ['psql']  # names the docs mention\n"}),
    ("an uploaded file held in memory, and a URL tested for the web", {"app/upload.py": (
        "from werkzeug.datastructures import FileStorage\n"
        "def save(f: MultipartFileStorage, url):\n    if url.startswith('https'):\n        return f\n"),
        "gslib/gcs_json_credentials.py": ("    store = multiprocess_file_storage.MultiprocessFileStorage("
                                          "GetCredentialStoreFilename(), credential_store_key)\n")}),
    ("an account kind named like file storage, and a type named like a storage directory", {
        "azblob/zz_generated_models.go": '\tAccountKindFileStorage AccountKindType = "FileStorage"\n',
        "file/directories/api.go": "type StorageDirectory interface {\n\tDelete(ctx context.Context, path string) error\n}\n"}),
    ("vendors' hosts in a module docstring that quotes code with escaped docstrings", {"shiny/otel/__init__.py": (
        '"""\nOpenTelemetry for Shiny.\n\n    @reactive.calc\n    def f():\n        \\"""Runs without telemetry.\\"""\n\n'
        'export OTEL_EXPORTER_OTLP_ENDPOINT="https://api.honeycomb.io"\n**UI**: [app.datadoghq.com](https://app.datadoghq.com/)\n"""\n'
        "import os\n")}),
    ("a model type declaring another service's Segment sink", {"auth0/management/types/log_stream_segment_sink.py": (
        "class LogStreamSegmentSink(UniversalBaseModel):\n    segment_write_key: typing.Optional[str] = None\n")}),
    ("a BaaS SDK's method that sets up a sign-in provider inside the service", {"src/services/project.js":
     "  updateOAuth2Auth0(paramsOrFirst, ...rest) {\n    return this.client.call('patch', path, params);\n  }\n"}),
    ("a route path and an asset named like a backend", {"src/routes.js":
     "const page = require('./pages/drivers/redis-docs');\nfetch('/api/adapters/postgres');\n"}),
    ("a directory listing class, and a module named impl_ for something else", {"app/views.py": (
        "class DirListing(View):\n    pass\nfrom app.engines import impl_native\n")}),
    ("front-end libraries copied into a web app's static files", {
        "OmniDB_app/static/OmniDB_app/lib/cytoscape/klay.js": "    var socket = new WebSocket(url);\n",
        "app/static/js/libs/ace/mode-autohotkey.js": "var keywords = 'A_AppData|A_AppDataCommon|a_data_dir';\n"}),
    ("a database's own data directory, managed by a database service's guest agent", {
        "trove/guestagent/datastore/manager.py": "    def build_log_file_name(self, log_name, owner, datastore_dir=None):\n"}),
    ("a vendor's domain in a proxied URL's path, after the placeholder for the proxy's host", {
        "app/proxy.py": 'UPSTREAM = f"https://{proxy_host}/mixpanel.com/track"\n'}),
    ("a scoped package's types for a backend, imported for types only", {
        "src/types.ts": "import type { RedisOptions } from '@fastify/redis'\n"}),
    ("a provider id for a local server that speaks OpenAI's API", {
        "app/settings.py": 'MODEL_PROVIDER = "openai_like"\nmodel_provider = "ollama"\n'}),
    ("a backend for another database borrowing django.contrib.postgres's helpers", {
        "clickhouse_backend/models/fields/array.py": (
            "from django.contrib.postgres.utils import prefix_validation_error\n"
            "from django.contrib.postgres.validators import ArrayMaxLengthValidator\n")}),
    ("files with no suffix that are not scripts the rules read", {
        "scripts/NOTES": "import redis\nrequire('pg')\n", "scripts/deploy": "#!/bin/sh\nimport redis\n",
        "debian/copyright": "Files: redis/*\nimport redis\n"}),
    ("an app's own route at Auth0's logout path, registered with its handler", {
        "mautrix_signal/web/provisioning_api.py": '        self.app.router.add_post("/v2/logout", self.logout)\n'}),
    ("an output file streamed over HTTP, named like a class that writes files", {
        "replicate/helpers.py": "class FileOutput(httpx.SyncByteStream, httpx.AsyncByteStream):\n    pass\n"}),
    ("a catalog of MCP servers typing each one's settings as a TypedDict", {"e2b/sandbox/mcp.py": (
        "from typing_extensions import TypedDict\n\n\nclass Redis(TypedDict, closed=True):\n    url: str\n\n\n"
        "class Mongodb(TypedDict, total=False):\n    mdbMcpConnectionString: str\n")}),
    ("the data a package ships beside its own code", {
        "agenta/sdk/agents/model_catalog.py": 'from pathlib import Path\n\n_DATA_DIR = Path(__file__).parent / "data"\n',
        "lib/catalog.js": "const dataDir = path.join(__dirname, 'data');\n"}),
    ("SQLSTATE exception classes named like a database's connection", {"psycopg/errors.py": (
        "class SqlserverRejectedEstablishmentOfSqlconnection(OperationalError,\n"
        "    code='08004', name='SQLSERVER_REJECTED_ESTABLISHMENT_OF_SQLCONNECTION'):\n    pass\n")}),
    ("PostgREST's client is HTTP to a REST server, not PostgreSQL", {
        "requirements.txt": "httpx\npostgrest==2.20.0\n"}),
    ("an XML namespace URI on S3's host, in another store's S3-compatible upload", {
        "google/cloud/storage/_media/_upload.py": '_S3_COMPAT_XML_NAMESPACE = "{http://s3.amazonaws.com/doc/2006-03-01/}"\n'}),
    ("another identity SDK defining a sign-in method named like Firebase's", {"cjs/oidc/mixin/index.js": (
        "class OktaAuth {\n    async signInWithRedirect(opts = {}) {\n        return this.token.getWithRedirect(opts);\n    }\n"
        "    signInWithCredentials(opts) {\n        return this.idx.authenticate(opts);\n    }\n}\n")}),
    ("a limit on disk storage, a numeric field of an account's claims", {"v2/account_claims.go": (
        "package jwt\n\ntype JetStreamLimits struct {\n\tMemoryStorage int64 `json:\"mem_storage,omitempty\"`\n"
        "\tDiskStorage   int64 `json:\"disk_storage,omitempty\"`\n}\n\n"
        "func (l *JetStreamLimits) IsJSEnabled() bool {\n\treturn l.MemoryStorage != 0 || l.DiskStorage != 0\n}\n")}),
    ("an AWS emulator importing its own imitations of the services", {"moto/backends.py": (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from moto.s3.models import S3Backend\n"
        "    from moto.sqs.models import SQSBackend\n    from moto.kafka.models import KafkaBackend\n")}),
    ("a Go program encoding with a MongoDB driver's BSON package and nothing else", {"testservice.go": (
        'package gomaasapi\n\nimport (\n\t"encoding/json"\n\n\t"gopkg.in/mgo.v2/bson"\n\t'
        'mbson "go.mongodb.org/mongo-driver/bson/primitive"\n)\n')}),
    ("a helper turning a package name into a directory path", {"com/mchange/v2/codegen/CodegenUtils.java": (
        "    public static String packageNameToFileSystemDirPath(String packageName)\n    {\n")}),
    ("FHIR's search operation in a healthcare API client", {"google/apis/healthcare_v1/service.rb": (
        "          command = make_simple_command(:post, 'v1/{+parent}/fhir/_search', options)\n")}),
    ("a cloud API's model of a disk's preserved state", {"google/apis/compute_alpha/representations.rb": (
        "      class PreservedStatePreservedDisk\n        class Representation < Google::Apis::Core::JsonRepresentation; end\n")}),
    ("Firebase's web SDK as a dependency, which serves every Firebase product",
     {"package.json": '{"peerDependencies": {"firebase": "^12.6.0"}, "peerDependenciesMeta": {"firebase": {"optional": true}}}'}),
    ("a promise that sleeps for a polling interval between tries", {"lib/wait.js": (
        "async function sleep() {\n  await new Promise(resolve => setTimeout(resolve, pollInterval));\n}\n")}),
    ("a model loaded from a local directory by a relative path", {"train.py": (
        'model = AutoModel.from_pretrained("./checkpoints")\ntok = AutoTokenizer.from_pretrained(args.model_dir)\n')}),
    ("a polyfill watching the page on a polling interval", {"resources/lib/intersection-observer.js": (
        "  if (this.POLL_INTERVAL) {\n    monitoringInterval = win.setInterval(callback, this.POLL_INTERVAL);\n  }\n")}),
    ("a TypeScript union of every model id an API accepts", {"src/resources/ai/assistants.ts": (
        "export type TranscriptionModel =\n    | 'xai/grok-stt'\n    | 'cohere/ar-stt'\n    | 'deepgram/nova-3';\n"
        "export interface ActionParams {\n  transcription_model?: 'cohere/ar-stt';\n}\n")}),
    ("a table of model profiles keyed by each model's id", {"langchain_google_vertexai/data/_profiles.py": (
        '_PROFILES: dict[str, dict[str, Any]] = {\n    "xai/grok-4.1-fast-non-reasoning": {\n'
        '        "name": "Grok 4.1 Fast",\n    },\n    \'groq/llama-3.3-70b\': [8192, 0.59],\n}\n')}),
    ("an Xcode build step and an iOS simulator test runner naming their directories", {
        "new-relic/scripts/dsym-upload-scripts/newrelic_postbuild.sh": (
            '#!/bin/sh\nMAP_SCRIPT=`/usr/bin/find "${SRCROOT}" -name generateMap.py | head -n 1`\n'
            'ARTIFACT_DIR="${BUILD_DIR%Build/*}SourcePackages/artifacts"\n'),
        "scripts/af-scenario-runner.sh": (
            '#!/usr/bin/env bash\nxcrun simctl boot "$IOS_UDID"\n'
            'sim_data_dir="$HOME/Library/Developer/CoreSimulator/Devices/${IOS_UDID}/data"\n')}),
    ("Redshift's DDL with its own IDENTITY(seed, step)", {"django_redshift_backend/base.py": (
        "# Amazon Redshift\nredshift_data_types = {\n    \"AutoField\": \"integer identity(1, 1)\",\n}\n")}),
    ("a static-files finder serving bundled icons from a FileSystemStorage", {"social_django/finders.py": (
        "from django.contrib.staticfiles.finders import FileSystemFinder\n"
        "from django.core.files.storage import FileSystemStorage\n\n\nclass _IconStorage(FileSystemStorage):\n    pass\n")}),
    ("a model's file output streamed from a URL, in JavaScript", {"lib/stream.js": (
        "function createFileOutput({ url, fetch }) {\n  class FileOutput extends ReadableStream {\n  }\n}\n")}),
    ("amqps:// to Azure Service Bus, which speaks AMQP 1.0, not RabbitMQ", {"azure/servicebus/_common/receiver_mixins.py": (
        'self._auth_uri = "sb://{}/{}".format(self.fully_qualified_namespace, self.entity_path)\n'
        'self._entity_uri = "amqps://{}/{}".format(self.fully_qualified_namespace, self.entity_path)\n')}),
    ("PostgreSQL's compiler borrowed from a vendored copy of SQLAlchemy for BigQuery", {"sqlalchemy_bigquery/base.py": (
        "import sqlalchemy_bigquery_vendored.sqlalchemy.postgresql.base as vendored_postgresql\n\n\n"
        "class BigQueryCompiler(vendored_postgresql.PGCompiler):\n    pass\n")}),
    ("an extra named realtime (an agent framework's voice support), not Supabase's realtime client", {
        "requirements.txt": "agentscope[realtime]>=1.0\n"}),
    ("a stand-in WebSocket a library ships for its users' tests", {"src/testing/socket.ts": (
        "export function connectForTest(url: string) {\n  return new MockWebSocket(url);\n}\n")}),
    ("a database model class named for a folder of attachments", {"indico_owncloud/controllers.py": (
        "from indico.modules.attachments.models.folders import AttachmentFolder\n\n\n"
        "def folders(event):\n    return AttachmentFolder.query.with_parent(event).all()\n")}),
    ("fog's template of every provider's credential keys, listed with no values", {"lib/fog/core/errors.rb": (
        "module Fog\n  module Errors\n    def self.missing_credentials\n      <<-YML\n"
        "  :google_storage_access_key_id:\n  :google_storage_secret_access_key:\n  :local_root:\n"
        "      YML\n    end\n  end\nend\n")}),
    ("a query language's name in a generated type's doc comment", {"src/context/types.gen.ts": (
        "export type Entry = {\n      /** @description Section titles. For `groq/functions/math` see the reference. */\n"
        "      sectionTitles?: string[]\n}\n")}),
    ("a program named like a vendor, reading where its own configuration lives",
     {"mistral/config.py": "conf_d = os.environ.get('MISTRAL_CONFIG_DIR')\nconf_f = os.environ.get('MISTRAL_CONFIG_FILE')\n"}),
    ("a package's own kafka module, imported by name from its parent, and a Kafka word in prose",
     {"app/events.py": "from app import kafka_topics  # names only\nimport app.kafkaesque\n"
      "topics = kafka_topics.ALL\n"}),
    ("an ASGI app refusing WebSockets it does not serve", {"asgi/websocket.py": (
        "class WebSocketClose:\n    async def __call__(self, scope, receive, send):\n"
        '        await send({"type": "websocket.close", "code": self.code})\n')}),
    ("hosts in translations are prose: a JSON locale, a Rails locale, a Java bundle", {
        "locales/ar.json": '{"The host of your SMTP server, e.g. smtp.postmarkapp.com": "..."}\n',
        "config/locales/en.yml": "en:\n  hint: Your Sentry DSN, like https://key@o1.ingest.sentry.io/1\n",
        "src/main/resources/i18n/messages.properties": "mail.hint=For instance smtp.sendgrid.net\n"}),
    ("phpredis's exception class, a facade import and an abstract DBAL platform", {"cache.php": (
        "<?php\nuse Illuminate\\Support\\Facades\\Cache;\n"
        "try { $x = 1; } catch (\\RedisException $e) {}\n"
        "if ($platform instanceof AbstractPlatform) {}\n")}),
]


@pytest.mark.parametrize(("name", "files"), TRAPS, ids=[t[0] for t in TRAPS])
def test_traps_are_not_usage(tmp_path, rules, name, files):
    result = run(tmp_path, files, rules)
    assert providers(result, include_test=True) == []


def test_auth0s_jwt_libraries_for_java_are_jwts_not_auth0(tmp_path, rules):
    # Auth0 publishes JWT libraries under its name: a social-login plugin decoding Apple's
    # ID token with JWTDecode.Android uses JWTs, not Auth0; its Android SDK still is Auth0
    result = run(tmp_path, {"android/src/main/java/ee/forgr/social/AppleProvider.java":
                            "import com.auth0.android.jwt.JWT;\nimport com.auth0.jwt.JWTVerifier;\n",
                            "android/build.gradle": "dependencies {\n    implementation 'com.auth0.android:jwtdecode:2.0.2'\n}\n"},
                 rules)
    assert providers(result) == ["jwt"]
    result = run(tmp_path / "sdk", {"android/src/main/java/com/auth0/react/A0Auth0Module.kt":
                            "import com.auth0.android.authentication.AuthenticationAPIClient\n"}, rules)
    assert providers(result) == ["auth0"]


def test_auth0s_fork_of_an_s3_client_is_s3_not_auth0(tmp_path, rules):
    # serverless-s3-sync requires @auth0/s3, node-s3-client as Auth0 maintains it: uploads to
    # S3, not a sign-in through Auth0; Auth0's own SDKs in its scope still are Auth0
    result = run(tmp_path, {"package.json": '{"dependencies": {"@auth0/s3": "^1.0.0", "bluebird": "^3.7.2"}}'}, rules)
    assert providers(result) == ["s3"]
    result = run(tmp_path, {"package.json": '{"dependencies": {"@auth0/auth0-react": "^2.2.4", "@auth0/ai": "^4.0.0"}}'},
                 rules)
    assert providers(result) == ["auth0"]


def test_maven_documentation_site_is_not_the_app(tmp_path, rules):
    # Logback's web site (src/site/) carries the project's Google Analytics tag
    result = run(tmp_path, {
        "logback-site/src/site/pages/job.html": "<script>ga.src = 'https://ssl.google-analytics.com/ga.js';</script>\n",
        "src/main/java/App.java": "import com.sendgrid.SendGrid;\n",
    }, rules)
    assert providers(result) == ["sendgrid"]
    assert providers(result, include_test=True) == ["google-analytics", "sendgrid"]


def test_compiled_requirements_count_only_what_the_project_asked_for(tmp_path, rules):
    # pip-compile and `uv pip compile` pin every transitive dependency and say what pulled
    # each in: a pin only another package asked for is that package's, not the app's
    result = run(tmp_path, {
        "requirements/py3.12-requirements.txt": (
            "# This file was autogenerated by uv via the following command:\n"
            "#    uv pip compile pyproject.toml --output-file requirements/py3.12-requirements.txt\n"
            "psycopg2-binary==2.9.10 \\\n    --hash=sha256:0ac1c9fe\n    # via feast (pyproject.toml)\n"
            "sse-starlette==2.1.3 \\\n    --hash=sha256:9b1ed012\n    # via mcp\n"
            "redis==5.2.1\n    # via\n    #   feast (pyproject.toml)\n    #   rq\n"
            "pymongo==4.10.1\n    # via\n    #   motor\n    #   beanie\n"),
        "requirements.txt": "amqp==2.5.2  # via kombu\ncelery==4.4.7  # via -r requirements.in\n",
    }, rules)
    assert providers(result) == ["celery", "postgres", "redis"]


def test_test_only_and_dev_dependencies(tmp_path, rules):
    result = run(tmp_path, {
        "tests/test_db.py": "import sqlite3\n",
        "requirements-dev.txt": "moto\nfakeredis\n",
        "requirements/tests.txt": "pymongo\n",
        # prose beside the pip files is not a requirement
        "requirements/README.txt": "Redis is required for the cache.\nSee docs/install.rst.\n",
        "package.json": '{"dependencies": {"next": "15"}, "devDependencies": {"pg": "8"}}',
        "src/a.test.ts": "import Stripe from 'stripe';\n",
        "app.py": "import redis\n",
    }, rules)
    by = {c.provider: c for c in result.connections}
    assert by["sqlite"].test_only and by["postgres"].test_only and by["stripe"].test_only
    assert by["mongodb"].test_only  # a test requirements file in a requirements/ directory
    assert "redis" in by and not any(e.path.endswith("README.txt") for e in by["redis"].evidence)
    assert not by["redis"].test_only


def test_test_infrastructure_directories_are_test_only(tmp_path, rules):
    result = run(tmp_path, {
        "fstest/testserver/init.d/seafile/docker-compose.yml": "services:\n  db:\n    image: mariadb:10\n",
        "integration-tests/cache.py": "import redis\n",
        "app/test_utils/mail.py": "import smtplib\n",
        "web/testimonials/views.py": "import stripe\n",
        "ckanext/example_idatastorebackend/example_sqlite.py": "import sqlite3\n",
        ".bluemix/pipeline.yml": "services:\n  - image: rabbitmq:3\n",
        "xdocs/usermanual/jdbc.xml": "<p>jdbc:postgresql://localhost:5432/test</p>\n",
        "log4j-spring-cloud-config-samples/app/docker-compose.yml": "services:\n  mq:\n    image: nats:2\n",
        "meltano/schemas/meltano.schema.json": '{"examples": [{"SNOWFLAKE_ACCOUNT": "my.account"}]}\n',
        "microbench/src/main/java/ExampleHeaders.java": 'h.put(":authority", "pubsub.googleapis.com");\n',
        # c3p0's settings for its test suite, and Google's CI scripts
        "test-properties/c3p0.properties": "c3p0.jdbcUrl=jdbc:mongodb://localhost/c3p0-test\n",
        ".kokoro/readme.sh": "export SENTRY_DSN=https://key@o1.ingest.sentry.io/1\n",
        "test_haystack/settings.py": "import clickhouse_connect\n",
        # a Django test project run together (django-guardian's), and its settings
        "guardian/testapp/models.py": "import pymemcache\n",
        "guardian/testsettings.py": "CACHES = {'default': {'LOCATION': 'amqp://guest@mq//'}}\n",
        "shop/testapproval/views.py": "import braintree\n",
        # a mock request module beside the client it fakes (Plivo's), and a Cypress hook that is not one
        "src/rest/request-test.js": "resolve({body: {url: 'http://s3.amazonaws.com/recordings/1.mp3'}});\n",
        "packages/datadog-plugin-cypress/src/after-spec.js": "const { Kafka } = require('kafkajs')\n",
        # helpers a package ships for its tests (MJML's testing_helpers.py)
        "mjml/testing_helpers.py": "from cassandra.cluster import Cluster\n",
    }, rules)
    by = {c.provider: c for c in result.connections}
    assert by["mysql"].test_only and by["redis"].test_only and by["smtp"].test_only and by["sqlite"].test_only
    assert by["rabbitmq"].test_only and by["postgres"].test_only and by["nats"].test_only
    assert by["snowflake"].test_only and by["google-pubsub"].test_only
    assert by["mongodb"].test_only and by["sentry"].test_only and by["clickhouse"].test_only
    assert by["memcached"].test_only
    assert not by["stripe"].test_only  # a word that merely starts with "test"
    assert not by["braintree"].test_only  # nor "testapproval"
    assert by["s3"].test_only and not by["kafka"].test_only
    assert by["cassandra"].test_only


def test_settings_kept_for_the_test_suite_are_test_only(tmp_path, rules):
    result = run(tmp_path, {
        "airflow/config_templates/unit_tests.cfg": "[celery]\nbroker_url = amqp://guest:guest@rabbitmq:5672/\n",
        "config/environments/test.rb": "config.cache_store = :redis_cache_store\n",
        "phpunit.xml.dist": '<php><env name="DATABASE_URL" value="mysql://root@127.0.0.1/app_test"/></php>\n',
        "jest.config.ts": "process.env.MONGO_URL = 'mongodb://localhost:27017/test';\n",
        "app/contest.py": "import stripe\n",
        # a shell script testing sign-in against the Keycloak it is given (Signal K's)
        "tools/test-oidc-sso.sh": '#!/bin/bash\ncurl "$AUTH_URL/protocol/openid-connect/auth?client_id=account"\n',
        "tools/attest.sh": "psql postgres://app@db:5432/app -c 'select 1'\n",
        # django-defender's settings for its CI run, and its example project
        "defender/ci_settings.py": "SENTRY_DSN = 'https://key@o1.ingest.sentry.io/1'\n",
        "exampleapp/settings.py": "MEDIA_ROOT = os.path.join(PROJECT_DIR, 'media')\n",
        # a pytest plugin shipped with the package: fixtures for its users' suites
        "swh/storage/pytest_plugin.py": "from cassandra.cluster import Cluster\n",
    }, rules)
    by = {c.provider: c for c in result.connections}
    assert by["cassandra"].test_only
    assert by["rabbitmq"].test_only and by["redis"].test_only and by["mysql"].test_only and by["mongodb"].test_only
    assert by["keycloak"].test_only and by["local-files"].test_only and by["sentry"].test_only
    assert not by["stripe"].test_only  # a name that merely ends in "test"
    assert not by["postgres"].test_only  # nor a script whose name merely ends in "test"


def test_scripts_named_for_testing_are_test_only(tmp_path, rules):
    # the E2B plugin's scripts/test-*.mjs and test-*.ts drive its sandbox with OpenAI,
    # Anthropic and a test database
    result = run(tmp_path, {
        "scripts/test-e2b-workflow.mjs": "console.log({ OPENAI_API_KEY: !!process.env.OPENAI_API_KEY });\n",
        "scripts/test-llm-driven-scenarios.ts": "const url = process.env.POSTGRES_URL;\n",
        "tools/test-smtp.py": "import smtplib\n",
        "scripts/testimonials.js": "import Stripe from 'stripe';\n",
        "src/contest-entries.ts": "import { Redis } from 'ioredis';\n",
    }, rules)
    by = {c.provider: c for c in result.connections}
    assert by["openai"].test_only and by["postgres"].test_only and by["smtp"].test_only
    assert not by["stripe"].test_only  # a word that merely starts with "test"
    assert not by["redis"].test_only  # nor one with "test" inside it


def test_a_librarys_example_beside_its_code_is_an_example(tmp_path, rules):
    # Aedes ships example.js, an MQTT broker served over ws; its lib/ is the library
    result = run(tmp_path, {
        "example.js": "import { Aedes } from './aedes.js'\nimport ws from 'ws'\n",
        "lib/exampleRoutes.js": "const mqtt = require('mqtt')\n",
    }, rules)
    by = {c.provider: c for c in result.connections}
    assert by["websockets"].test_only
    assert not by["mqtt"].test_only  # a module whose name merely starts with "example"


def test_gradle_source_sets_are_test_only_and_latest_is_not(tmp_path, rules):
    result = run(tmp_path, {
        "core/src/integTest/groovy/S3IntegrationTest.groovy": "import com.amazonaws.services.s3.AmazonS3\n",
        "core/src/testFixtures/java/Db.java": "import org.postgresql.Driver;\n",
        "core/src/main/java/Latest.java": "import com.google.cloud.storage.Storage;\n",
    }, rules)
    by = {c.provider: c for c in result.connections}
    assert by["s3"].test_only and by["postgres"].test_only
    assert not by["gcs"].test_only


def test_prefixed_env_names_keep_their_provider(tmp_path, rules):
    """An app's prefix (OAUTH_, NAUTOBOT_) still names the provider; Azure's OpenAI
    variables stay Azure's."""
    result = run(tmp_path, {".env.example": (
        "OAUTH_AUTH0_DOMAIN=acme.eu.auth0.com\nNAUTOBOT_REDIS_URL=redis://cache:6379/0\n"
        "AZURE_OPENAI_ENDPOINT=https://x.openai.azure.com\n")}, rules)
    assert providers(result) == ["auth0", "azure-openai", "redis"]


def test_env_names_carrying_a_provider_word(tmp_path, rules):
    """A variable the app reads, named with a provider's word; not the bare word, an
    image digest, or a constant."""
    result = run(tmp_path, {
        "flower/views/auth.py": "base = os.environ.get('FLOWER_OAUTH2_OKTA_BASE_URL')\n",
        "src/tracing/newrelic.js": "const url = process.env.NEW_RELIC_TRACE_API_URL || base;\n",
        "images-sha.env": "KEYCLOAK_IMAGE=keycloak/keycloak@sha256:044a\nMSSQL_SHA=sha256:d252\n",
        "nightly.sh": "SMTP=$1\n",
        "fees.py": "STRIPE_FEE = 0.3\n",
    }, rules)
    assert providers(result) == ["newrelic", "okta"]
    assert {v for c in result.connections for v in c.env_vars} == {"FLOWER_OAUTH2_OKTA_BASE_URL",
                                                                  "NEW_RELIC_TRACE_API_URL"}


def test_sqlite_in_tests_plus_app_is_app_usage(tmp_path, rules):
    result = run(tmp_path, {"tests/t.py": "import sqlite3\n", "app/cache.py": "import sqlite3\n"}, rules)
    assert providers(result) == ["sqlite"]


def test_suppression_is_listed_not_dropped(tmp_path, rules):
    result = run(tmp_path, {
        "a.py": "import twilio  # connreg: ignore[twilio] -- legacy SMS, removal in ENG-12\nimport stripe  # connreg: ignore[openai]\n",
        "b.ts": "import OpenAI from 'openai'; // connreg: ignore\n",
    }, rules)
    assert providers(result) == ["stripe"]
    assert [(s.path, s.line, s.provider, s.reason) for s in result.suppressed] == [
        ("a.py", 1, "twilio", "legacy SMS, removal in ENG-12"),
        ("b.ts", 1, "openai", ""),
    ]


def test_latin1_file_is_scanned(tmp_path, rules):
    result = run(tmp_path, {"legacy.py": "# caf\xe9\nimport stripe\n".encode("latin-1")}, rules)
    assert evidence(result, "stripe") == [("legacy.py", 2, "stripe.import.python")]


def test_skipped_files_are_counted(tmp_path, rules):
    result = run(tmp_path, {
        "node_modules/a/index.js": "x", "node_modules/b/index.js": "y", "big.py": "x = 1\n" * 50,
        "data.py": b"\x00binary", "yarn.lock": "x", "dist/app.js": "require('openai')",
    }, rules, max_file_bytes=100)
    skipped = {(s.path, s.reason, s.files) for s in result.skipped}
    assert skipped == {("node_modules/", "vendored", 2), ("big.py", "too_large", 1), ("data.py", "binary", 1),
                       ("yarn.lock", "lockfile", 1), ("dist/", "generated", 1)}


def test_build_output_in_bin_stays_skipped_but_its_scripts_are_read(tmp_path, rules):
    result = run(tmp_path, {
        # .NET's build output copies the app's settings; Eclipse's copies resources
        "src/Api/bin/Debug/net8.0/appsettings.json": '{"ConnectionStrings": {"Db": "Host=db;Database=app"}}',
        "src/Api/bin/Release/net8.0/wwwroot/js/site.js": "require('stripe')",
        "bin/config/application.properties": "spring.datasource.url=jdbc:postgresql://db/app\n",
        "bin/obj/worker.py": "import redis\n",
        # a virtual environment, whatever its name, holds every installed package's scripts
        "env/pyvenv.cfg": "home = /usr/bin\n", "env/bin/celery": "#!/usr/bin/python3\nfrom celery.__main__ import main\n",
        "bin/notify": "#!/usr/bin/env ruby\nrequire 'twilio-ruby'\n",
    }, rules)
    assert providers(result) == ["twilio"]
    skipped = {(s.path, s.reason) for s in result.skipped}
    assert ("src/Api/bin/", "generated") in skipped and ("bin/", "generated") in skipped
    assert ("env/", "vendored") in skipped


def test_symlink_loop_and_unreadable_do_not_crash(tmp_path, rules):
    repo = tmp_path / "plain"  # not a git repo: exercises the .gitignore-aware walk
    (repo / "a").mkdir(parents=True)
    (repo / "a" / "loop").symlink_to(repo / "a", target_is_directory=True)
    (repo / "app.py").write_text("import stripe\n")
    (repo / "secret.py").write_text("import twilio\n")
    (repo / "secret.py").chmod(0)
    (repo / ".gitignore").write_text("ignored/\n")
    (repo / "ignored").mkdir()
    (repo / "ignored" / "x.py").write_text("import openai\n")
    result = scan(list_directory(repo), rules)
    import os
    if os.geteuid() != 0:  # root reads anything
        assert ("secret.py", "unreadable", 1) in {(s.path, s.reason, s.files) for s in result.skipped}
    assert "stripe" in providers(result) and "openai" not in providers(result)


def test_a_symlinked_file_and_a_fifo_are_counted_not_read(tmp_path, rules):
    import os

    repo = tmp_path / "plain"
    repo.mkdir()
    (repo / "app.py").write_text("import stripe\n")
    outside = tmp_path / "outside.py"
    outside.write_text("import twilio\n")
    (repo / "link.py").symlink_to(outside)  # never followed out of the tree
    os.mkfifo(repo / "pipe.py")  # opening it must not wait for a writer
    result = scan(list_directory(repo), rules)
    skipped = {(s.path, s.reason) for s in result.skipped}
    assert {("link.py", "symlink"), ("pipe.py", "unreadable")} <= skipped
    assert providers(result) == ["stripe"]


def test_credentials_never_in_output(tmp_path, rules):
    from connreg_gate.report import scan_report

    result = run(tmp_path, {
        ".env": "DATABASE_URL=postgres://app:S3cretPassw0rd@db.internal:5432/app\nOPENAI_API_KEY=sk-proj-abcdefghijklmnop1234567890\n",
        "settings.py": 'BROKER = "amqp://svc:Hunter2Hunter2@mq:5672/vhost"\n',
    }, rules)
    import io
    for writer in (scan_report.write_json, scan_report.write_yaml, scan_report.write_table):
        buf = io.StringIO()
        writer(result, buf)
        text = buf.getvalue()
        assert "S3cretPassw0rd" not in text and "Hunter2Hunter2" not in text and "abcdefghijklmnop1234567890" not in text
    data = scan_report.as_dict(result)
    endpoints = sorted(e for c in data["connections"] for e in c["endpoints"])
    assert endpoints == ["amqp://svc:***@mq:5672/vhost", "postgres://app:***@db.internal:5432/app"]


@pytest.mark.parametrize(("files", "expected"), [
    ({"ai.py": "from openai import OpenAI\nc = OpenAI()\nc.chat.completions.create(model='x')\nc.embeddings.create(input='y')\n",
      "pay.ts": "import Stripe from 'stripe';\nconst s = new Stripe(k);\nawait s.checkout.sessions.create({});\n"
                "s.webhooks.constructEvent(b, sig, secret);\n"},
     {"openai": ("chat.completions", "embeddings"), "stripe": ("checkout_sessions", "webhooks")}),
    # Files are prefiltered on lowercase literals before a usage regex runs; upper, lower
    # and mixed case must all still be found (SQL patterns ignore case).
    ({"db.py": "import psycopg\ncur.execute('select id from users')\ncur.execute('Insert Into t values (1)')\n",
      "billing.py": "import stripe\nstripe.checkout.Session.create(mode='payment')\nstripe.PaymentIntent.create(amount=1)\n"},
     {"postgres": ("read", "write"), "stripe": ("checkout_sessions", "payment_intents")}),
], ids=["sdk calls", "any case"])
def test_usage_patterns(tmp_path, rules, files, expected):
    result = run(tmp_path, files, rules)
    by = {c.provider: c.usage_patterns for c in result.connections}
    assert {pid: by.get(pid) for pid in expected} == expected


def test_output_is_deterministic(tmp_path, rules):
    files = {f"svc{i}/m.py": "import redis\nimport stripe\n" for i in range(5)}
    a = run(tmp_path / "a", files, rules)
    b = run(tmp_path / "b", files, rules)
    from connreg_gate.report import scan_report

    assert json.dumps(scan_report.as_dict(a, with_timing=False)) == json.dumps(scan_report.as_dict(b, with_timing=False))


def test_user_rule_pack_and_disabled_rules(tmp_path):
    from connreg_gate.rulepack import load_packs

    pack = tmp_path / "internal.yaml"
    pack.write_text(
        "pack: internal\nversion: 1\nrules:\n"
        "  - id: ledger.call\n    provider: ledger\n    kind: external_api\n    category: payments\n"
        "    pattern: '\\bLedgerClient\\('\n"
    )
    compiled = load_packs([pack], disabled=["stripe"])
    result = run(tmp_path, {"a.py": "import stripe\nc = LedgerClient(url)\n"}, compiled)
    assert providers(result) == ["ledger"]


def test_a_user_rule_may_stand_down_in_some_files(tmp_path):
    """An explicit rule's unless_file keeps it from counting in a file that holds the
    pattern anywhere (here: the ledger's own mock), and nowhere else."""
    from connreg_gate.rulepack import load_packs

    pack = tmp_path / "internal.yaml"
    pack.write_text(
        "pack: internal\nversion: 1\nrules:\n"
        "  - id: ledger.call\n    provider: ledger\n    kind: external_api\n    category: payments\n"
        "    pattern: '\\bLedgerClient\\('\n    unless_file: '^class FakeLedger\\b'\n"
    )
    compiled = load_packs([pack])
    files = {"app/pay.py": "c = LedgerClient(url)\n",
             "app/fake.py": "class FakeLedger:\n    inner = LedgerClient(None)\n"}
    result = run(tmp_path, files, compiled)
    assert evidence(result, "ledger") == [("app/pay.py", 1, "ledger.call")]


def test_a_named_call_does_not_renumber_the_others(tmp_path):
    """Rule ids are what users disable in config: adding a call must not rename one."""
    from connreg_gate.rulepack import load_packs

    def ids(calls: str) -> list[str]:
        pack = tmp_path / "p.yaml"
        pack.write_text("pack: p\nversion: 1\nproviders:\n  - provider: ledger\n    name: Ledger\n"
                        "    kind: external_api\n    category: payments\n    calls:\n" + calls)
        return sorted(r.id for r in load_packs([pack]).rules if r.provider == "ledger" and r.evidence == "call")

    one = "      - pattern: 'LedgerClient\\('\n"
    assert ids(one) == ["ledger.call"]
    assert ids(one + "      - {id: v2, pattern: 'LedgerV2\\('}\n") == ["ledger.call", "ledger.call.v2"]
    assert ids(one + "      - pattern: 'LedgerOld\\('\n") == ["ledger.call.1", "ledger.call.2"]


def test_a_call_may_read_the_lines_after_its_keyword(tmp_path):
    """lines_after lets a user's call span a few lines; the match must start on the
    keyword's line, and reads no further than the lines it allows."""
    from connreg_gate.rulepack import load_packs

    pack = tmp_path / "p.yaml"
    pack.write_text("pack: p\nversion: 1\nproviders:\n  - provider: ledger\n    name: Ledger\n"
                    "    kind: external_api\n    category: payments\n    calls:\n"
                    "      - {id: wrapped, pattern: 'Ledger\\.connect\\([^)]*\\n\\s*region=', keywords: [ledger.connect],"
                    " lines_after: 1}\n")
    compiled = load_packs([pack])
    found = run(tmp_path, {"a.py": "c = Ledger.connect(\n    region='eu')\n"}, compiled)
    assert providers(found) == ["ledger"]
    too_far = run(tmp_path / "b", {"b.py": "c = Ledger.connect(\n    'eu',\n    region='eu')\n"}, compiled)
    assert providers(too_far) == []


def ledger_pack(tmp_path, fields: str):
    """A user's pack with one payments provider, 'ledger', and these YAML fields."""
    from connreg_gate.rulepack import load_packs

    pack = tmp_path / "ledger.yaml"
    pack.write_text("pack: p\nversion: 1\nproviders:\n  - provider: ledger\n    name: Ledger\n"
                    "    kind: external_api\n    category: payments\n" + fields)
    return load_packs([pack])


def test_a_call_may_leave_out_files_that_match_unless_file(tmp_path):
    """unless_file drops a call's matches in any file the pattern matches anywhere, and
    only there: the same import elsewhere still counts."""
    compiled = ledger_pack(tmp_path, "    calls:\n"
                           "      - {id: sdk, pattern: '^from ledger import', keywords: [from ledger],"
                           " unless_file: '(?m)^class \\w+\\(LedgerStub\\)'}\n")
    stub = "from ledger import Client\n\n\nclass Fake(LedgerStub):\n    pass\n"
    assert providers(run(tmp_path / "a", {"app/fake.py": stub}, compiled)) == []
    real = "from ledger import Client\n\nclient = Client()\n"
    assert providers(run(tmp_path / "b", {"app/fake.py": stub, "app/pay.py": real}, compiled)) == ["ledger"]


def test_a_providers_urls_may_stand_down_in_some_files(tmp_path):
    """url_unless_file keeps a provider's URL schemes from counting in a file that names
    another service speaking the same protocol, and only there."""
    compiled = ledger_pack(tmp_path, "    url_schemes: [ledger]\n    url_unless_file: 'OtherLedgerCloud'\n")
    cloud = 'HOST = "OtherLedgerCloud"\nuri = f"ledger://{HOST}/books"\n'
    assert providers(run(tmp_path / "a", {"app/cloud.py": cloud}, compiled)) == []
    own = 'uri = "ledger://books.internal:7000/main"\n'
    assert evidence(run(tmp_path / "b", {"app/cloud.py": cloud, "app/own.py": own}, compiled), "ledger") == [
        ("app/own.py", 1, "ledger.url")]


@pytest.mark.parametrize(("content", "message"), [
    ("pack: x\nversion: 1\nrules:\n  - id: BadId\n    provider: p\n    pattern: abc\n", "$.rules[0].id"),
    ("pack: x\nversion: 1\nproviders:\n  - provider: p\n    name: P\n    kind: backend\n    category: cache\n"
     "    calls:\n      - {id: a, pattern: 'PClient\\(', lines_after: 9}\n", "lines_after"),
    ("pack: x\nversion: 1\nrules:\n  - id: p.x\n    provider: p\n    kind: backend\n    category: cache\n    pattern: 'abc('\n", "invalid regular expression"),
    ("pack: x\nversion: 1\nproviders:\n  - provider: p\n    name: P\n    kind: backend\n    category: cache\n"
     "    calls:\n      - {id: a, pattern: 'PClient\\(', unless_file: 'class ('}\n", "invalid regular expression"),
    ("pack: x\nversion: 1\nproviders:\n  - provider: p\n    name: P\n    kind: backend\n    category: cache\n"
     "    url_schemes: [p]\n    url_unless_file: 'x('\n", "invalid regular expression"),
    ("pack: x\nversion: 1\nproviders: [\n", "invalid YAML"),
    ("pack: x\nversion: 1\nproviders:\n  - provider: p\n    name: P\n    kind: backend\n    category: cache\n"
     "    calls:\n      - {id: a, pattern: 'PClient\\('}\n      - {id: a, pattern: 'POther\\('}\n",
     "two calls with id 'a'"),
])
def test_bad_rule_packs_are_reported(tmp_path, content, message):
    from connreg_gate.errors import RulePackError
    from connreg_gate.rulepack import load_packs

    pack = tmp_path / "bad.yaml"
    pack.write_text(content)
    with pytest.raises(RulePackError) as info:
        load_packs([pack])
    assert str(pack) in str(info.value) and message in str(info.value)


def test_builtin_packs_cover_every_category(rules):
    from connreg_gate.models import CATEGORIES

    assert {p.category for p in rules.providers.values()} == set(CATEGORIES)
    assert len(rules.providers) >= 100


def test_builtin_pack_cache_matches_a_fresh_load_and_follows_edits(tmp_path, monkeypatch):
    import shutil

    from connreg_gate import rulepack

    packs = tmp_path / "packs"
    shutil.copytree(Path(rulepack.__file__).parent / "rules", packs)
    monkeypatch.setattr(rulepack, "builtin_pack_paths", lambda: sorted(packs.glob("*.yaml")))
    fresh = rulepack.load_packs()
    cached = rulepack.load_packs()
    assert cached.rules == fresh.rules and cached.providers == fresh.providers
    import os

    assert list(Path(os.environ["CONNREG_CACHE_DIR"]).rglob("packs-*.marshal"))
    (packs / "sms.yaml").write_text((packs / "sms.yaml").read_text().replace("env_vars: [TWILIO_ACCOUNT_SID,", "env_vars: [TWILIO_TEST_ONLY_VAR, TWILIO_ACCOUNT_SID,"))
    edited = rulepack.load_packs()
    env_rule = next(r for r in edited.rules if r.id == "twilio.env")
    assert "twilio_test_only_var" in env_rule.keywords
    # A cache file under the right name but written for other packs (a name collision)
    # is not trusted: each file carries its full key.
    import marshal

    key = rulepack._cache_key(rulepack.builtin_pack_paths())
    path = rulepack._cache_path(key)
    stored = marshal.loads(path.read_bytes())
    path.write_bytes(marshal.dumps(("another key", (), (), (), ())))
    assert rulepack.load_packs().rules == edited.rules
    assert marshal.loads(path.read_bytes()) == stored  # rewritten for these packs


def test_old_pack_caches_are_pruned_when_the_packs_change(tmp_path, monkeypatch):
    import os
    import shutil

    from connreg_gate import rulepack

    packs = tmp_path / "packs"
    shutil.copytree(Path(rulepack.__file__).parent / "rules", packs)
    monkeypatch.setattr(rulepack, "builtin_pack_paths", lambda: sorted(packs.glob("*.yaml")))
    cache = Path(os.environ["CONNREG_CACHE_DIR"])
    for n in range(7):  # seven edits of the packs: seven cache keys
        sms = packs / "sms.yaml"
        sms.write_text(sms.read_text() + f"# edit {n}\n")
        rulepack.load_packs()
        assert rulepack._cache_path(rulepack._cache_key(rulepack.builtin_pack_paths())).exists()
    assert len(list(cache.rglob("packs-*.marshal"))) == 4  # the newest, and three before it


def test_forked_scan_matches_serial(tmp_path, rules):
    """Large trees are split across forked children; the result must not change."""
    from connreg_gate.report import scan_report

    files = {f"svc{i}/m{i}.py": ("import redis\n" if i % 3 else "import stripe  # connreg: ignore[stripe] -- legacy\n")
             + f"URL = 'postgres://u:pw{i}@db/x'\n" for i in range(40)}
    files["package.json"] = '{"dependencies": {"openai": "4"}}'
    repo = make_repo(tmp_path / "r", files)
    listing = list_directory(repo)
    serial = scan(listing, rules, workers=1)
    forked = scan(listing, rules, workers=2)
    assert scan_report.as_dict(forked, with_timing=False) == scan_report.as_dict(serial, with_timing=False)
    assert forked.files_scanned == serial.files_scanned == 41


def test_usage_patterns_do_not_depend_on_how_many_processes_scan(tmp_path, rules, monkeypatch):
    """Usage searches are capped per chunk of files, not per process: the same tree gives
    the same usage patterns on one core, two or three, however chunks are shared out."""
    from connreg_gate.discover import scanner as scanner_mod
    from connreg_gate.report import scan_report

    files = {f"app/m{i:03d}.py": "import psycopg2\nx = 1\n" for i in range(150)}
    # each is among the first files of its chunk of 32 that import the provider
    files["app/m130.py"] = "import psycopg2\ncur.execute('DELETE FROM jobs WHERE done')\n"
    files["app/m033.py"] = "import psycopg2\nrows = cur.fetchall()\n"
    listing = list_directory(make_repo(tmp_path / "r", files))
    results = [scan_report.as_dict(scan(listing, rules, workers=w), with_timing=False) for w in (1, 2, 3)]
    assert results[0] == results[1] == results[2]
    # a tree too big for one chunk number per unit of work queues units of several chunks
    monkeypatch.setattr(scanner_mod, "_MAX_QUEUED_UNITS", 2)
    assert scan_report.as_dict(scan(listing, rules, workers=2), with_timing=False) == results[0]
    (pg,) = [c for c in results[0]["connections"] if c["provider"] == "postgres"]
    assert {"read", "write"} <= set(pg["usage_patterns"])


def test_bundles_without_a_min_name_are_skipped_as_minified(tmp_path, rules):
    """A compiled library committed as plain .js (an emscripten build) holds generic
    socket shims; its lines run to thousands of characters, and it is skipped."""
    bundle = "var Module={};" + ";".join(f"function f{i}(){{var s=new WebSocket(u{i})}}" for i in range(800)) + "\n"
    normal = "import OpenAI from 'openai';\nconst ws = new WebSocket(url);\n"
    result = run(tmp_path, {"static/js/libunrar.js": bundle * 3, "src/live.js": normal}, rules)
    assert ("minified", "static/js/libunrar.js") in {(s.reason, s.path) for s in result.skipped}
    found = {(c.provider, e.path) for c in result.connections for e in c.evidence}
    assert ("websockets", "src/live.js") in found
    assert not any(path == "static/js/libunrar.js" for _, path in found)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=".aZ_-py0", max_size=12))
def test_extension_is_splitext(name):
    import posixpath

    from connreg_gate.discover.classify import extension

    assert extension(name) == posixpath.splitext(name)[1]


IMPORT_LINES = {
    "python": ("py", ["import {m}\n", "from {m} import Client\n"]),
    "javascript": ("ts", ['import Client from "{m}";\n', "const c = require('{m}');\n", "const sub = await import('{m}/sub');\n"]),
    "go": ("go", ['import "{m}"\n', 'import (\n\tc "{m}"\n)\n']),
    "java": ("java", ["import {m}.Client;\n"]),
    "ruby": ("rb", ['require "{m}"\n']),
    "php": ("php", ["<?php\nuse {m}\\Client;\n"]),
    "csharp": ("cs", ["using {m};\n"]),
}


def _declared_imports():
    import yaml

    from connreg_gate import rulepack

    for pack in rulepack.builtin_pack_paths():
        for spec in yaml.safe_load(pack.read_text())["providers"]:
            for lang, modules in sorted((spec.get("imports") or {}).items()):
                for m in modules or ():
                    yield spec["provider"], lang, m


def test_every_declared_import_is_found(tmp_path, rules):
    """Each module a pack lists, imported the usual ways in its language, is found as
    that provider. (Multi-module JavaScript rules once matched their first module only.)"""
    files, expected = {}, {}
    for n, (pid, lang, module) in enumerate(_declared_imports()):
        ext, lines = IMPORT_LINES[lang]
        php_module = module.replace("\\\\", "\\")
        for k, line in enumerate(lines):
            path = f"src/m{n}_{k}.{ext}"
            files[path] = line.format(m=php_module if lang == "php" else module)
            expected[path] = pid
    assert len(expected) > 500
    result = run(tmp_path, files, rules)
    found = {(e.path, c.provider) for c in result.connections for e in c.evidence if e.evidence == "import"}
    missing = sorted(f"{pid}: {files[path]!r}" for path, pid in expected.items() if (path, pid) not in found)
    assert not missing, f"{len(missing)} of {len(expected)} imports not found:\n" + "\n".join(missing[:40])


def test_small_scans_use_a_cheaper_automaton_that_finds_the_same_evidence(tmp_path, rules):
    # A few files get an NFA (3 ms to build) instead of a DFA (14 ms); both must report
    # exactly the same evidence, overlapping keywords included.
    from connreg_gate.discover.scanner import prepare

    files: dict[str, str] = {}
    for i, (path, content, _provider, _rule) in enumerate(REAL_USAGE):
        files[f"c{i:03d}/{path}"] = content
    repo = make_repo(tmp_path / "repo", files)
    listing = list_directory(repo)
    small = scan(listing, rules, ScanOptions(), workers=1, matchers=prepare(rules, files=10))
    large = scan(listing, rules, ScanOptions(), workers=1, matchers=prepare(rules))
    assert small.connections == large.connections and small.connections
    assert prepare(rules, files=10)._implementation != prepare(rules)._implementation


def test_a_versioned_directory_without_a_licence_or_manifest_is_the_apps_own(tmp_path, rules):
    result = run(tmp_path, {
        "docker/postgres-15.2/docker-compose.yml": "services:\n  db:\n    image: postgres:15.2\n",
        "lib/h2database-1.4.197/pom.xml": "<project><artifactId>h2</artifactId></project>\n",
        "lib/h2database-1.4.197/Db.java": 'String url = "jdbc:mysql://localhost:3306/test";\n',
    }, rules)
    assert providers(result) == ["postgres"]
    assert ("lib/h2database-1.4.197/", "vendored") in {(s.path, s.reason) for s in result.skipped}
    # --include-vendored reads it after all
    assert "mysql" in providers(run(tmp_path / "again", {
        "lib/h2database-1.4.197/pom.xml": "<project/>\n",
        "lib/h2database-1.4.197/Db.java": 'String url = "jdbc:mysql://localhost:3306/test";\n'}, rules,
        include_vendored=True))


@pytest.mark.parametrize(("marker", "inside", "app"), [
    # an unpacked release's licence, and the package's own require
    ("web/js/jquery-ui-1.12.1/LICENSE.txt", "web/js/jquery-ui-1.12.1/demo.js", "app/pay.js"),
    # the file Bower writes into each package it installs
    ("static/components/reveal.js/.bower.json", "static/components/reveal.js/plugin/multiplex/index.js", "app/live.js"),
])
def test_a_staged_file_in_someone_elses_package_is_vendored_though_its_marker_is_not_staged(
        tmp_path, rules, monkeypatch, marker, inside, app):
    repo = make_repo(tmp_path / "repo", {marker: "Copyright its authors\n", inside: "const s = require('stripe');\n",
                                         app: "const stripe = require('stripe');\n"})
    # what pre-commit passes: the staged files only, relative to the repository
    monkeypatch.chdir(repo)
    result = scan(list_paths([inside, app]), rules)
    assert [e.path for e in result.connections[0].evidence] == [app]
    assert (marker.rpartition("/")[0] + "/", "vendored") in {(s.path, s.reason) for s in result.skipped}


def test_a_url_ends_at_a_lone_brace_and_keeps_its_placeholders(tmp_path, rules):
    result = run(tmp_path, {"cfg.yaml": "cache: {url: redis://cache.internal:6379}\n",
                            "db.rb": 'URL = "amqp://#{user}@#{host}:5672/vhost"\n'}, rules)
    by = {c.provider: c for c in result.connections}
    assert by["redis"].endpoints == ("redis://cache.internal:6379",)
    assert by["rabbitmq"].endpoints == ("amqp://#{user}@#{host}:5672/vhost",)


def test_an_installed_gems_spec_names_its_dependencies_as_percent_literals(tmp_path, rules):
    # As RubyGems writes a spec: runtime and development dependencies, then all of them
    # again as plain add_dependency for old RubyGems, which must not make pg a runtime one.
    spec = """Gem::Specification.new do |s|
  s.name = "rollout".freeze
  if s.respond_to? :add_runtime_dependency then
    s.add_runtime_dependency(%q<redis>.freeze, ["~> 4.0"])
    s.add_development_dependency(%q<pg>.freeze, [">= 0"])
  else
    s.add_dependency(%q<redis>.freeze, ["~> 4.0"])
    s.add_dependency(%q<pg>.freeze, [">= 0"])
  end
end
"""
    result = run(tmp_path, {"specifications/rollout-2.5.0.gemspec": spec}, rules)
    assert providers(result) == ["redis"]
    assert providers(result, include_test=True) == ["postgres", "redis"]
    assert [line for _, line, _ in evidence(result, "redis")] == [4]


def test_an_older_gems_spec_repeats_its_dependencies_in_two_fallbacks(tmp_path, rules):
    # As older RubyGems wrote a spec (after_commit_queue's): a version check nested in a
    # specification_version check, each with an `else` that lists every dependency again.
    spec = """Gem::Specification.new do |s|
  s.name = "after_commit_queue".freeze
  if s.respond_to? :specification_version then
    s.specification_version = 4

    if Gem::Version.new(Gem::VERSION) >= Gem::Version.new('1.2.0') then
      s.add_runtime_dependency(%q<activerecord>.freeze, [">= 3.0"])
      s.add_development_dependency(%q<sqlite3>.freeze, [">= 0"])
    else
      s.add_dependency(%q<activerecord>.freeze, [">= 3.0"])
      s.add_dependency(%q<sqlite3>.freeze, [">= 0"])
    end
  else
    s.add_dependency(%q<activerecord>.freeze, [">= 3.0"])
    s.add_dependency(%q<sqlite3>.freeze, [">= 0"])
  end
end
"""
    result = run(tmp_path, {"specifications/after_commit_queue-1.3.0.gemspec": spec}, rules)
    assert providers(result) == []
    assert [(line, rule) for _, line, rule in evidence(result, "sqlite")] == [(8, "sqlite.dependency.gem")]
