/**
 * The commonest passwords of 8 characters or more, lower-cased: from the well-known public
 * leak rankings (worldwide and Chinese sites), kept short on purpose. Shorter ones are refused by
 * length anyway; this list only catches the obvious choices a guesser tries first.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '12345678', '123456789', '1234567890', '12345678910', '123456789a', '123456789q', '1234567890a',
  '0123456789', '0987654321', '9876543210', '987654321', '87654321', '11111111', '111111111', '1111111111',
  '00000000', '000000000', '0000000000', '88888888', '888888888', '66666666', '666666666', '99999999',
  '55555555', '22222222', '12341234', '11223344', '12121212', '11112222', '12344321', '12345679',
  '123123123', '123321123', '147258369', '147852369', '159357258', '147258258', '321321321', '520520520',
  '1314520520', '5201314520', '13145201314', '7758521521', 'password', 'password1', 'password12',
  'password123', 'password1234', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'passwort', 'motdepasse', 'contraseña',
  'qwertyui', 'qwertyuiop', 'qwerty123', 'qwerty12', 'qwerty1234', 'qwer1234', '1234qwer', '1q2w3e4r',
  '1q2w3e4r5t', '1q2w3e4r5t6y', '1qaz2wsx', '1qaz2wsx3edc', '1qazxsw2', 'zaq12wsx', 'zaq1zaq1', '!qaz2wsx',
  'q1w2e3r4', 'q1w2e3r4t5', 'qazwsxedc', 'qazwsx123', 'asdfghjk', 'asdfghjkl', 'asdf1234', '1234asdf',
  'zxcvbnm1', 'zxcvbnm123', 'zxcv1234', 'qweasdzxc', 'asdasdasd', 'abcd1234', 'abc12345', 'abc123456',
  'abcdefgh', 'abcdefg1', 'a1234567', 'a12345678', 'a123456789', 'aa123456', 'aa12345678', '1234abcd',
  '12345abc', '123456abc', '123456aa', '123qweasd', '123qweasdzxc', 'qwe123456', 'qweqweqwe', '123abc123',
  'iloveyou', 'iloveyou1', 'iloveyou2', 'iloveu1314', 'sunshine', 'princess', 'football', 'baseball',
  'basketball', 'superman', 'batman123', 'starwars', 'whatever', 'trustno1', 'letmein1', 'welcome1',
  'welcome123', 'dragon123', 'monkey123', 'master123', 'shadow123', 'sunshine1', 'princess1', 'football1',
  'michael1', 'jennifer', 'charlie1', 'jordan23', 'computer', 'internet', 'asdfasdf', 'zxczxczx',
  'qwertyqwerty', 'changeme', 'changeme123', 'default1', 'administrator', 'admin123', 'admin1234',
  'administrator1', 'root1234', 'test1234', 'testtest', 'guest123', 'letmein123', 'secret123', 'mypassword',
  'loveyou1', 'lovelove', 'woaini1314', 'woaini520', 'woaini123', 'woaini1314520', 'woaiwojia', 'woaiwoziji',
  'woainima', 'wangyang123', '5201314a', 'a5201314', '13145200', '5211314a', '1314520a', '520131400',
  'woshishui', 'zhang123', 'wang1234', 'li123456', 'liu123456', 'chen123456', 'zhangwei', 'ilovechina',
  'china123', 'beijing2008', 'shanghai', 'qq123456', 'qq123456789', 'qq5201314', 'qwe123qwe', 'aini1314',
  'aaaaaa11', 'iloveyou520', '7758521a', '123456qq', '123456ww', '123456789.', '123456..', '112233445566',
  'zxcvbnma', 'buzhidao', 'mima1234', 'mima123456', '88889999', '11111111a',
]);
