{
  "targets": [
    {
      "target_name": "nodego",
      "sources": [
        "native/addon.cc",
        "native/errno_name.cc",
        "native/exec_fix.cc",
        "native/executable_facts.cc",
        "native/fd_ops.cc",
        "native/handoff_exec.cc",
        "native/memory_releaser.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fexceptions"],
      "cflags_cc!": ["-fexceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fno-exceptions", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}
