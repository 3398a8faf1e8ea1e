# twemproxy (Debian's nutcracker) for docker/compose.cluster.yaml; its configuration is mounted
# at /etc/nutcracker/nutcracker.yml.
FROM debian:bookworm-slim
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nutcracker \
 && rm -rf /var/lib/apt/lists/*
USER nobody
EXPOSE 7171 22222
ENTRYPOINT ["nutcracker", "-c", "/etc/nutcracker/nutcracker.yml", "-o", "/dev/stderr", \
            "-p", "/tmp/nutcracker.pid"]
