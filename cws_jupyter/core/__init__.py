"""The domain core: templates, resolver, AWS access, prices, sandbox. No Jupyter imports."""
