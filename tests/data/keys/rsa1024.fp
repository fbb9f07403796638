1024 SHA256:ZY1ddfZQf3zwlWl7+lW3jR9Q2l2ffq0joEcVoU/x90o rsa1024@fixture (RSA)
1024 MD5:67:d2:bb:7d:ab:47:ec:33:5b:96:25:b3:8b:a9:67:cf rsa1024@fixture (RSA)
