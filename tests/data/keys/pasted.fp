256 SHA256:L3zrW+JbnuwPP4gTM7v1hCgpHnCPbF1p0m7pK38V9ao pasted@fixture (ED25519)
256 MD5:a2:2c:28:20:af:66:f4:a5:db:da:66:2a:f6:d6:d8:eb pasted@fixture (ED25519)
