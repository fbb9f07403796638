256 SHA256:rOBFf0h/lIbSopvCt5nQ/ajmTCXzFc0UDMhuBXY7F0s ed25519@fixture (ED25519)
256 MD5:35:fa:26:e7:e4:49:ef:9a:37:e0:f7:ab:04:5e:65:fb ed25519@fixture (ED25519)
