# The production image: one image for every role in docker-compose.yml (migrate, web, worker,
# beat). docs/operations.md says how to run it; bin/compose-smoke reproduces it on a machine
# without a container engine, so keep to the forms it understands (see its docstring).

# Build stage: the virtual environment and the collected static files. Nothing here but what
# they need ends up in the image.
FROM python:3.11-slim AS build
ENV PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
# Exactly the pinned set: --no-deps adds nothing requirements.txt leaves out, and pip check then
# fails the build on anything a package needs that is not pinned (bin/compose-smoke does the same).
RUN /opt/venv/bin/pip install --no-cache-dir --no-deps -r /tmp/requirements.txt && /opt/venv/bin/pip check
WORKDIR /app
# .dockerignore lets in only what runs: no tests/, bench/, docs/, .git or .env.
COPY . .
# Static files are collected (and compressed) once, here; the values exist only so the settings
# load during the build and are not in the final image.
RUN DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=build /opt/venv/bin/python manage.py collectstatic --no-input

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH
# A user without a home or a shell. The only place it may write is the beat schedule's folder
# (a volume in docker-compose.yml: a new volume takes this folder's owner); everything else,
# /app included, belongs to root, and the compose file mounts the root filesystem read-only.
RUN useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin casereview \
    && install -d -o casereview -g casereview -m 0700 /var/lib/casereview/beat
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
USER casereview
EXPOSE 8000
CMD ["gunicorn", "-c", "python:casereview.gunicorn_config", "casereview.wsgi", "--bind", "0.0.0.0:8000"]
