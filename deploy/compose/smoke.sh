#!/usr/bin/env bash
# docker-compose up, then the first Deployment + Service and a curl through its ClusterIP
# from a node; prints how long each step took. DOWN=1 tears everything down at the end.
set -euo pipefail
cd "$(dirname "$0")"
COMPOSE=${COMPOSE:-docker-compose}
command -v docker-compose >/dev/null || COMPOSE="docker compose"
t0=$(date +%s%N)
ms() { echo $(( ($(date +%s%N) - t0) / 1000000 )); }
$COMPOSE up -d
echo "smoke: compose up returned after $(ms) ms"
k() { $COMPOSE exec -T client kubectl "$@"; }
until k get nodes 2>/dev/null | grep -c ' Ready ' | grep -q 2; do sleep 0.2; done
echo "smoke: 2 nodes Ready after $(ms) ms"
k create deployment web --image=nginx --replicas=2 >/dev/null
k expose deployment web --port 8080 --target-port 80 >/dev/null
ip=$(k get svc web -o jsonpath='{.spec.clusterIP}')
until $COMPOSE exec -T node-1 curl -s -m 1 "http://$ip:8080/" | grep -q 'Welcome to nginx'; do sleep 0.2; done
echo "smoke: curl http://$ip:8080/ from node-1 answered 'Welcome to nginx!' after $(ms) ms"
k delete svc web >/dev/null && k delete deployment web >/dev/null
if [ "${DOWN:-0}" = 1 ]; then $COMPOSE down -v; fi
