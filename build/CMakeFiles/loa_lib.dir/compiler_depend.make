# Empty compiler generated dependencies file for loa_lib.
# This may be replaced when dependencies are built.
