{
  "variables": {
    "no_openblas%": "<!(node -p \"process.env.FLATLAB_NO_OPENBLAS === '1' ? 1 : 0\")"
  },
  "targets": [
    {
      "target_name": "flatlab_native",
      "sources": ["src/addon.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-O3", "-march=native", "-std=c++17", "-fno-math-errno", "-ffp-contract=fast", "-pthread"],
      "ldflags": ["-pthread"],
      "conditions": [
        ["no_openblas==1", { "defines": ["FLATLAB_NO_OPENBLAS"] }, { "libraries": ["-lopenblas"] }]
      ]
    }
  ]
}
