"""The app as an import string, for servers with several workers:

    gunicorn -k uvicorn.workers.UvicornWorker -w 2 -b 127.0.0.1:8000 kaigo_xl.excel.asgi:app
"""

from kaigo_xl.excel.server import get_app

app = get_app()
