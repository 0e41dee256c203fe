#!/bin/sh
# Starts nginx in the foreground for supervisord: nginx-start.sh PIDFILE NGINX ARGS...
# A master killed with SIGKILL leaves its workers running: they keep the listening sockets (and
# keep serving), so a new master could not bind. They are still in the dead master's process
# group, whose id is the PID in nginx's pid file; those of them that run the same nginx binary are
# killed by PID before the new master starts. Nothing is matched by name.
pidfile=$1
nginx=$2
shift
if [ -s "$pidfile" ]; then
  old=$(cat "$pidfile")
  if ! kill -0 "$old" 2>/dev/null; then
    for pid in $(ps -e -o pid= -o pgid= | awk -v g="$old" '$2 == g { print $1 }'); do
      if [ "$(readlink "/proc/$pid/exe")" = "$(readlink -f "$nginx")" ]; then
        echo "nginx-start: killing pid $pid, left by the dead master $old (it holds the ports)"
        kill -KILL "$pid" 2>/dev/null
      fi
    done
    tries=0
    while [ -n "$(ps -e -o pgid= | awk -v g="$old" '$1 == g')" ] && [ $tries -lt 50 ]; do
      sleep 0.1
      tries=$((tries + 1))
    done
  fi
fi
exec "$@"
