256 SHA256:VhUAoJeBG4jXtk8b04xqUXc4eIUVEPKXHd2P4exhNUM ecdsa256@fixture (ECDSA)
256 MD5:7e:03:da:be:06:10:d8:29:54:17:18:c5:31:ef:fa:ef ecdsa256@fixture (ECDSA)
