"""The MCOP kernel: a Jupyter kernel whose cells are questions (`python -m mcop_kernel.kernel`), and
notebooks written in it run as reports (`mcop report`)."""
