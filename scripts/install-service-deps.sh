#!/usr/bin/env bash
# Installs what the crash collection service's storage tests need: PostgreSQL
# from Debian's packages (the tests start their own throwaway cluster with
# scripts/start-service-servers.sh; the S3-compatible server, s3rver, is a
# devDependency). Idempotent; safe to re-run.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "PostgreSQL already installed: $(ls -d /usr/lib/postgresql/*/ | tr '\n' ' ')"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=900 update -qq
apt-get -o DPkg::Lock::Timeout=900 install -y -qq postgresql >/dev/null
# the tests run their own cluster; the distribution's default one is not needed
if command -v pg_ctlcluster >/dev/null; then
  for v in $(ls /usr/lib/postgresql/); do pg_ctlcluster "$v" main stop 2>/dev/null || true; done
fi
ls -d /usr/lib/postgresql/*/bin/initdb
