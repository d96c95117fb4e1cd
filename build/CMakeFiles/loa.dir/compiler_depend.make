# Empty compiler generated dependencies file for loa.
# This may be replaced when dependencies are built.
