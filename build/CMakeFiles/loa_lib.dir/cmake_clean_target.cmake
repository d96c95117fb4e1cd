file(REMOVE_RECURSE
  "libloa.a"
)
