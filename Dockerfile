# The production image: gunicorn for the web, the same image runs the Celery worker.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# Collect static files at build time; these values exist only so settings load during the build.
RUN DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py collectstatic --no-input
RUN useradd --create-home casereview
USER casereview
EXPOSE 8000
CMD ["gunicorn", "casereview.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
