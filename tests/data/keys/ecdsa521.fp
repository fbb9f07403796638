521 SHA256:lcfyrDOJVXX4ExMVAsCnLwyo6of0QeohmAFrOwuf3kk ecdsa521@fixture (ECDSA)
521 MD5:4f:26:6b:6c:21:ca:36:96:a9:e3:ee:4a:59:09:66:66 ecdsa521@fixture (ECDSA)
