{
  "targets": [
    {
      "target_name": "lrsim_dense",
      "sources": ["binding.c", "dense-kernels.c", "reduce.c", "update.c"],
      "cflags": ["-O3", "-march=native", "-fno-math-errno", "-std=gnu11"],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-O3", "-march=native", "-fno-math-errno", "-std=gnu11"]
      },
      "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/O2", "/arch:AVX2", "/fp:contract"] } }
    }
  ]
}
