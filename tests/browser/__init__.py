"""MCOP Explorer in a real browser: JupyterLab and Notebook 7 driven by Playwright in Debian's Chromium."""
