"""Starts the MCOP kernel, as its kernelspec does: `python -m mcop_kernel.kernel -f CONNECTION_FILE`."""

from ipykernel.kernelapp import IPKernelApp

from .kernel import MCOPKernel

if __name__ == "__main__":
    IPKernelApp.launch_instance(kernel_class=MCOPKernel)
