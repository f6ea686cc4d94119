"""Article to lesson draft: fetch a page (or read a file or forwarded text), take its main text, clean it, and
shape it into a lesson file whose quiz a person still writes (`lesson-bot content import`, docs/importing.md).

fetch (httpx) -> decode (charset) -> extract (trafilatura) -> clean -> convert (OpenCC) -> shape; pipeline
runs them. Every step reports what it removed or flagged with its line and column; errors are one line.
"""
