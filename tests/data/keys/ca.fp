256 SHA256:nJ1M/twqBb48ComBlRF0nImURbikW4FBcOwthv5wGYY ca@fixture (ED25519)
256 MD5:53:e1:e6:e9:04:6b:77:e8:18:a2:f8:16:f0:22:68:aa ca@fixture (ED25519)
