FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY bank ./bank
COPY storage ./storage
RUN pip install --no-cache-dir . && useradd --create-home lpbot && mkdir /data && chown lpbot /data
USER lpbot
ENV DATABASE_URL=sqlite:////data/lpbot.db
VOLUME ["/data"]
EXPOSE 3000
CMD ["lpbot", "run"]
