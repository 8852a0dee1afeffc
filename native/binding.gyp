{
  "targets": [
    {
      "target_name": "flatlab_native",
      "sources": ["src/addon.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-O3", "-march=native", "-std=c++17", "-fno-math-errno"],
      "libraries": ["-lopenblas"]
    }
  ]
}
