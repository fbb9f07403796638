384 SHA256:4C7zgFYlQf1Fd86quMF6WaIPgseeVzbSt9KOdnt/mbo ecdsa384@fixture (ECDSA)
384 MD5:5c:3a:08:c7:16:a4:da:f8:03:f1:4a:37:c2:06:d4:5c ecdsa384@fixture (ECDSA)
