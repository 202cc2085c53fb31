#!/usr/bin/env bash
# Renders ops/cql/schema.cql for an external Cassandra cluster and applies it with cqlsh.
#
#   CASSANDRA_KEYSPACE=dm3relay CASSANDRA_REPLICATION=NetworkTopologyStrategy:dc1=3 \
#     ops/cql/apply-schema.sh [cqlsh arguments, e.g. host port -u user -p password]
#
# With --print it only prints the rendered CQL (no cqlsh needed).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
keyspace="${CASSANDRA_KEYSPACE:-dm3relay}"
replication="${CASSANDRA_REPLICATION:-NetworkTopologyStrategy:datacenter1=3}"

if ! [[ "$keyspace" =~ ^[A-Za-z][A-Za-z0-9_]{0,47}$ ]]; then
  echo "invalid keyspace name: $keyspace" >&2; exit 2
fi

strategy="${replication%%:*}"
factors="${replication#*:}"
case "$strategy" in
  SimpleStrategy)
    [[ "$factors" =~ ^[0-9]+$ ]] || { echo "SimpleStrategy needs a number: $replication" >&2; exit 2; }
    cql="{'class': 'SimpleStrategy', 'replication_factor': $factors}"
    ;;
  NetworkTopologyStrategy)
    cql="{'class': 'NetworkTopologyStrategy'"
    IFS=',' read -ra pairs <<< "$factors"
    for pair in "${pairs[@]}"; do
      [[ "$pair" =~ ^([A-Za-z0-9_.-]+)=([0-9]+)$ ]] || { echo "bad dc=rf pair: $pair" >&2; exit 2; }
      cql="$cql, '${BASH_REMATCH[1]}': ${BASH_REMATCH[2]}"
    done
    cql="$cql}"
    ;;
  *) echo "unknown replication strategy: $strategy" >&2; exit 2 ;;
esac

rendered="$(sed -e "s/{{keyspace}}/$keyspace/g" -e "s/{{replication}}/$cql/g" "$here/schema.cql")"

if [[ "${1:-}" == "--print" ]]; then
  printf '%s\n' "$rendered"
  exit 0
fi
printf '%s\n' "$rendered" | cqlsh "$@"
