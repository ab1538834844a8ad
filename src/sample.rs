//! Synthetic input documents of any size, for benchmarks and stress tests.
//!
//! [`generate`] writes a YAML document in exactly the input format of
//! `data/kamiless.yaml`: the same document facts (with `id: sample`), the 11 category
//! titles of the real document in order, and items whose titles and contents are
//! drawn from the real document's text: sentences, list lines (● ・ ■ ◎ ※ and
//! indented `  - `), sub-headings (＜…＞), short labels, URLs (some wider than the
//! column) and blank lines. Item sizes vary from one line to a dozen, with an
//! occasional long paragraph of 3–6 sentences.
//!
//! The text pools are embedded: nothing is read at run time. Output is a pure
//! function of `(items, seed)` (a SplitMix64 generator), and takes time linear in
//! `items`.

use std::fmt::Write as _;

/// Category sizes of `data/kamiless.yaml` (38 items); larger documents keep these
/// proportions.
const CATEGORY_WEIGHTS: [u64; 11] = [2, 1, 5, 9, 1, 8, 1, 1, 1, 3, 6];

/// Sub-headings: the two of `data/kamiless.yaml`, and labels of that file set as
/// sub-headings.
const HEADINGS: &[&str] = &[
    "＜当社の責任＞",
    "＜お客様の責任＞",
    "＜メンテナンス情報＞",
    "＜障害通知＞",
    "＜新機能リリース＞",
    "＜キャパシティ管理＞",
    "＜データ保管場所＞",
    "＜法管轄＞",
];

const PREFACE: &str = "データオプティマイズソリューション（※）は、株式会社オプロ（以下、当社）が提供するサービスです。
本書は、データオプティマイズソリューションをお客様に対し提供するにあたり、
当社の情報セキュリティへの取り組みと、情報セキュリティの観点からお客さまにご注意いただきたい点について紹介するものです。";

const NOTES: &str = "・本書で使用される用語は、本書において特に定める場合を除き、提供条項に定める意味を有するものとします。
・本書の内容については、予告なく変更する場合があります。
※本書におけるデータオプティマイズソリューションの対象範囲：カミレス";

/// The category titles of `data/kamiless.yaml`, in order.
const CATEGORIES: [&str; 11] = [
    "情報セキュリティのための組織",
    "人的資源のセキュリティ",
    "資産の管理",
    "アクセス制御",
    "暗号",
    "運用のセキュリティ",
    "通信のセキュリティ",
    "システムの取得、開発及び保守",
    "供給者関係",
    "情報セキュリティインシデント管理",
    "順守",
];

/// The item titles of `data/kamiless.yaml`, by category.
const TITLES: [&[&str]; 11] = [
    &["情報セキュリティの責任", "関係当局との連絡体制"],
    &["教育及び訓練"],
    &[
        "資産の目録",
        "目録の中で維持される資産の管理",
        "資産の返却または除去",
        "返却または除去する資産の特定",
        "情報のラベル付け",
    ],
    &[
        "アクセス権の登録及び登録削除",
        "アクセス権の管理",
        "アクセス権の制御",
        "秘密認証情報の管理",
        "ユーティリティプログラム",
        "利用者資源の論理的分離",
        "利用者と事業者間の論理的分離",
        "クラウドサービス内のソフトウェア管理",
        "仮想マシンの設定",
    ],
    &["暗号技術の利用"],
    &[
        "クラウドサービスの変更に関する情報",
        "容量・能力の監視",
        "操作手順",
        "バックアップ",
        "ログ取得",
        "クロック同期",
        "監視機能",
        "監視機能のアクセス制御",
    ],
    &["IPv6への対応"],
    &["セキュリティを保つための開発手順及び慣行"],
    &["ピアクラウドサービス事業者の情報セキュリティ水準"],
    &[
        "情報セキュリティインシデント管理の責任の割当て及び手順",
        "情報セキュリティ事象の報告",
        "潜在的なディジタル形式の証拠",
    ],
    &[
        "クラウドサービスを管轄する法域",
        "関連する法的要求事項",
        "知的財産権の順守",
        "記録の保護",
        "暗号に関する協定、法令及び規則の順守",
        "情報セキュリティ管理策実施の立証",
    ],
];

/// Sentences of the item contents (multi-sentence lines split at 。).
const SENTENCES: &[&str] = &[
    "当社は、以下のセキュリティ対策を実施します。",
    "お客様は、以下のセキュリティ対策を実施する必要があります。",
    "提供条項に定めている通り、準拠法は日本法とし、本契約に関する紛争については、日本国東京地方裁判所又は東京簡易裁判所をもって、第一審の専属管轄裁判所としている。",
    "当社は、当社の従業員並びにデータオプティマイズソリューションの開発・運用・提供に関係する業務委託先に対し、お客様データ（氏名、メールアドレス、各機能で利用するデータ等）及び派生データ（ログ、バックアップデータ等）の適切な利用に関する情報セキュリティ教育を実施しています。",
    "当社は、データオプティマイズソリューション上で取り扱うお客様データ（氏名、メールアドレス、各機能で利用するデータ等）及び派生データ（ログ、バックアップデータ等）について、当社内で保持する情報資産管理台帳上で把握・管理しております。",
    "Salesforceは、Core製品(1st Party)基準ですべてのお客様データ（本番、Sandbox含め）に対してストレージレベルでAES-256のアルゴリズムで暗号化を実施しております。",
    "詳細の内容は以下のコンプライアンスドキュメントからもご確認いただけます。",
    "アプリケーションレベルでの暗号化については、Shield Platform Encryptionをご使用いただくことで解決できます。",
    "なお、SalesforceのISMAP対応については下記でご確認いただけます。",
    "お客様とSalesForceとの契約に準じます。",
    "詳しくは、以下をご参照ください。",
    "当社は、No.6に記載されている対応を履行すべく、返却及び除去する対象となるデータを情報資産管理台帳によって特定しております。",
    "お客様は、Salesforceの機能によりユーザー情報をラベル付けすることが可能です。",
    "Salesforceの機能により、自らユーザーを無効化できます。",
    "以下をご参照ください。",
    "Salesforceの機能により、プロファイルと権限セット単位でユーザーの権限を設定が可能です。",
    "Salesforceの二段階認証機能をお客様環境で利用する形になります。",
    "カミレスのユーザアカウントは、お客様のSalesforceユーザーと紐づきます。",
    "秘密認証情報の管理につく詳細は、以下をご参照ください。",
    "データオプティマイズソリューションを提供するにあたり、直接的か間接的かに関わらず、お客様に影響が出る可能性があるユーティリティプログラムの利用はありません。",
    "データオプティマイズソリューションでは、お客様データ（氏名、メールアドレス、各機能で利用するデータ等）及び派生データ（ログ、バックアップデータ等）を保護するため、以下の論理的分離を実施しています。",
    "カミレスはお客様のSalesforce環境において使用されるため、全て分離されている。",
    "当社では、お客様環境を保護するため、以下の通り、当社の内部環境と分離を行っています。",
    "Salesforceはお客様環境にインストールされるクラウドサービスであるため、当社の環境とは別になっています。",
    "カミレスはSalesforce Platform上で動作するAppexchange製品となり、それらは公開前に必ずセキュリティレビューに合格する必要があります。",
    "当該レビューに合格することによって、クラウドサービス利用者の所有するソフトウェアの実行が関係するリスクに対応しています。",
    "また、定期的な再レビューを受ける必要があります。",
    "カミレスが構築されるSalesforceでは、以下の手法によって仮想マシンの要塞化が行われています。",
    "カミレスに保管されるデータは、お客様のSalesforce環境で保管され、暗号化されます。",
    "Salesforceのデータ暗号化に係る制限事項ならびにデータ暗号化鍵の管理方法については、以下をご参照ください。",
    "サービスのバージョンアップ情報を始めとした、メンテナンス情報、障害通知、新機能リリース等の各種情報は、下記のリンク先 Web ページより閲覧することが可能です。",
    "個々のご契約組織でのリソース（特にストレージ）管理につきましては、下記記載のヘルプを参照ください。",
    "なお、ストレージ容量超過時の対応については下記を参照ください。",
    "ご参考までにSalesforceサービス全体のキャパシティ管理について下記に記載します。",
    "キャパシティの需要(システムおよびアプリケーション)は、毎日監視されています。",
    "キャパシティー計画エンジニアは、ネットワーク、データセンター、インフラストラクチャーおよびアプリケーションの利用状況を監視し、キャパシティーに対する需要が満たされていることを保証し、将来の要求を予測します。",
    "Salesforce Servicesには、高度に計測されているアプリケーションがあり、このアプリケーションからサービスデリバリーデータウェアハウス(DW)へ非常に多くのパフォーマンス計測値が供給されています。",
    "この出力が、セールスフォース社がキャパシティの変化への対応方法の決定を駆動します。",
    "その答えは必ずしも「ハードウェアの追加」ではありません。",
    "アプリケーションのリファクタリングやアプライアンスの使用などが、キャパシティの変化に対応するための最適な解決策となることも多々あります。",
    "一般的な言葉では、セールスフォース社はサービス容量を増やすために、インフラストラクチャー内でスケーラビリティを垂直手法から水平手法に移行完了しています。",
    "水平スケーラビリティーでは、垂直スケーラビリティーの上限に近づいていると考えられる場合にも容量を増やすことができます。",
    "ヨーロッパ、北アメリカおよびアジア太平洋の現在のシステムは、複数のインスタンスから構成されています。",
    "追加のデータベースやデータベースサーバは、必要に応じて追加されます。",
    "新しいサーバは、サービスの途絶なしに追加可能です。",
    "最小限の構成変更で、サーバの追加が行われます。",
    "アプリケーションサーバはステートレスであるため、この層は需要に対応するために、無制限にスケール可能です。",
    "データオプティマイズソリューションのご利用にあたり、お客様が利用できる手順書は、下記リンク先より閲覧することが可能です。",
    "技術的なご質問は、以下のサイトよりお問い合わせいただくことが可能です。",
    "招待メールを別途送付しますので、メール内の案内に沿ってパスワードを設定してください。",
    "カミレスでは、フォームテンプレートやマスター情報をエクスポートする機能を提供しています。",
    "お客様は任意のタイミングでエクスポート機能を使用することで、バックアップとして保持することができます。",
    "また、実データはSalesforceのDataLoaderを利用して取得することが可能です。",
    "お客様は、以下のログを取得することが可能です。",
    "Salesforceでは下記のタイムゾーンを利用できます。",
    "Salesforce を構成する各サーバは、NTP時刻 (Network Time Protocol) を取得して稼働しています。",
    "データオプティマイズソリューションでは、お客様に関する以下の情報を監視することが可能です。",
    "データオプティマイズソリューションでは、各ユーザが参照できるログの種類を以下の通り定めています。",
    "また、本機能によって監視できる対象は、お客様自身のクラウドサービスインスタンスのみとなります。",
    "カミレスにおけるIPv6の対応は、Salesforceでの対応に準じます。",
    "データオプティマイズソリューションの開発には、以下の言語やセキュアな開発を実現するためのルールが用いられています。",
    "またその他、包括的なSDLCを規定したシステム開発のための基準に基づいた開発を実施しています。",
    "リリースバージョンはSalesforceのセキュリティレビューを通過する必要があり、そのルールに則って開発している。",
    "カミレスでは、SalesforceのSalesforce Servicesを利用しています。",
    "当該サービスでは以下URLに記載される認証資格を取得していることに加え、当社が当該サービスを利用するにあたり、必要なセキュリティ水準を満たしていることを確認しております。",
    "お客様に大きな影響を与えるセキュリティインシデント（データの消失、長時間のシステム停止等）が発生した場合は、インシデント発生してから1時間以内を目標に、HP等で通知します。",
    "情報セキュリティインシデントに関する問合せは、「オプロサポートサービス」より受け付けています。",
    "裁判所からの証拠提出命令など、法的に認められた形でお客様のデータの提供を要請された場合、当社は、お客様の許可なく、必要最小限の範囲で、お客様情報を外部に提供する可能性があります。",
    "お客様と当社との間の契約は、提供条項に基づいて解釈されるものとします。",
    "提供条項：準拠法は日本法とし、本契約に関する紛争については、日本国東京地方裁判所又は東京簡易裁判所をもって、第一審の専属管轄裁判所とします。",
    "当社がデータオプティマイズソリューションを提供するにあたり、関連する法令としては、以下が該当します。",
    "当社は、データオプティマイズソリューションを提供するにあたり、社内規程により、知的財産権の遵守方針を確立しています。",
    "また、データオプティマイズソリューションの提供条項において、財産権に関する条項を定めています。",
    "お客様から預かったデータを適切に保護することは、当社の責任です。",
    "お客様データは、不正なアクセスや改ざんを防ぐため、当社のシステム運用担当しかアクセスできない、限られたアクセス権のもとで保管されます。",
    "なお、カミレスに関しては、お客様データはお客様のSalesforce環境にのみ保管されるため、当社側でアクセスすることはできません。",
    "カミレスに関しては、お客様データはお客様のSalesforce環境にのみ保管されるため、当社側でアクセスすることはできません。",
    "「適用する協定、法令及び規則に順守している」という点では下記サイトを参照ください。",
    "当社では、データオプティマイズソリューションを対象に、外部組織による客観的な評価としてISO27001、ISO27017、プライバシーマークを取得しております。",
];

/// List lines (● ・ ■ ◎ ※).
const LIST_LINES: &[&str] = &[
    "●データオプティマイズソリューションのセキュリティ対策",
    "●データオプティマイズソリューションに保管されたお客様データの保護",
    "●データオプティマイズソリューションの提供に利用するインフラストラクチャーのセキュリティ対策",
    "●各利用者に付与されたパスワードの適切な管理",
    "●データオプティマイズソリューション アカウントの適切な管理（登録、削除、組織管理者権限の付与など）",
    "●データオプティマイズソリューションの利用にあたり登録、生成、保管されたコンテンツデータの適切な管理",
    "●データオプティマイズソリューションに登録する個人情報の取扱いに関する適切な管理",
    "●地理的所在地",
    "●データ保管場所",
    "●法管轄",
    "・AppExchange セキュリティレビュー",
    "・AppExchange での定期的なセキュリティ再レビュー",
    "・Salesforceサービスでは本番環境のネットワークレベルでのマルウェア検知を実装しています。具体的には、ネットワーク侵入検知システムはマルウェア関連のネットワークトラフィックを検知するように設定されています（また、継続的に更新されています）。",
    "・サーバのOSのハードニングや、必要なポートのみが開かれ他のすべてを拒否するファイアウォールを構成しています。",
    "・システムへのアクセスは認可された従業員のみ制限されており、これらすべてのシステムはホストプラットフォームと同様に、セキュリティモニタリングシステムを介してリアルタイムに監視されています。",
    "・Salesforceサービスは、標準のHTTPおよびHTTPSポートを、それぞれ80および443で使用しています。ポート8883についてもExperience Cloudサイトを有効化する際のCDN機能性にために使用されます。",
    "※Salesforceサービスでサポートされているネットワークプロトコルの一覧です。：HTTP, HTTPS(TLS)および SMTP.",
    "■技術的なご質問に関して",
    "※既にご登録いただいている場合は招待メールは送付されません。",
    "◎OPRO Support Service",
    "◎ご利用方法",
    "・ログイン履歴",
    "・申請時の操作ログ",
    "・（Salesforce Shieldを利用すれば）レコードの項目の更新歴等",
    "※参考",
    "・発生した障害について、以下の情報をHP等で通知します。",
    "・個人情報の保護に関する法律",
    "・サイバーセキュリティ基本法",
    "・不正競争防止法",
    "・電子帳簿保存法",
];

/// Indented sub-list lines; only ever follow a list line.
const SUB_LIST_LINES: &[&str] = &[
    "  - お客様による回避策がある場合、その内容",
    "  - 製品側で暫定または恒久対策を実施した場合、その内容",
    "  - 復旧に時間がかかる場合、その進捗状況",
];

/// Short lines without a sentence end: labels, addresses, names.
const SHORT_LINES: &[&str] = &[
    "東京都中央区京橋2-14-1",
    "Salesforce Services（以下、SF）：お客様の設定リージョンによる",
    "(Salesforce Services First Party Storage Encryption Summary)",
    "メンテナンス情報",
    "障害通知",
    "新機能リリース",
    "ディスク容量の超過時について",
    "可用性 〜 キャパシティー管理",
    "キャパシティ管理 完全にスケーラブルなシステム",
    "管理者ユーザーは操作ログ、更新ログ、ログイン履歴を参照できる",
    "言語：Apex、JavaScript",
    "Salesforce Services",
    "オプロサポートサービス｜https://spc.opro.net/hc/ja",
];

/// URLs that fit a line or nearly.
const URLS: &[&str] = &[
    "https://compliance.salesforce.com/en/documents/a006e00000xzqJ5AAI",
    "https://successjp.salesforce.com/article/NAI-000474",
    "https://compliance.salesforce.com/jp/ismap",
    "https://help.salesforce.com/s/articleView?id=000386225&type=1",
    "https://help.salesforce.com/s/articleView?id=sf.user_fields.htm&type=5",
    "https://help.salesforce.com/s/articleView?id=sf.deactivating_users.htm&type=5",
    "https://help.salesforce.com/s/articleView?id=sf.permissions_about_users_access.htm&type=5",
    "https://security.salesforce.com/ja/mfa",
    "https://help.salesforce.com/s/articleView?id=sf.adding_new_users.htm&type=5",
    "https://status.salesforce.com/products/Salesforce_Services",
    "https://opss-info1.opro.net/hc/ja",
    "https://kamiless.opro.net/hc/ja/articles/16230088967449",
    "https://help.salesforce.com/s/articleView?id=000386175&type=1&language=ja",
    "https://spc.opro.net/hc/ja",
    "https://spc.opro.net/hc/ja/articles/4605642922265",
    "https://help.salesforce.com/s/articleView?id=sf.admin_supported_timezone.htm&type=5",
    "https://help.salesforce.com/s/articleView?id=000385285&type=1&language=ja",
    "https://help.salesforce.com/s/articleView?id=000381914&type=1",
    "https://www.salesforce.com/jp/solutions/industries/government/compliance/",
    "https://compliance.salesforce.com/jp",
    "https://corp.opro.net/about/company/",
];

/// URLs wider than the content column (they break at / ? & = . _ -).
const LONG_URLS: &[&str] = &[
    "https://developer.salesforce.com/docs/atlas.ja-jp.packagingGuide.meta/packagingGuide/security_review_overview.htm",
    "https://developer.salesforce.com/docs/atlas.ja-jp.packagingGuide.meta/packagingGuide/security_review_periodic_reviews.htm",
];
/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough to vary text.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`), by multiply-shift.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, pool: &[&'a str]) -> &'a str {
        pool[self.below(pool.len())]
    }
}

/// Bytes of YAML per item, a little above the measured average (about 730); used
/// to pre-size the output so that it is never reallocated.
const BYTES_PER_ITEM: usize = 768;

/// Indent of an item's content lines.
const CONTENT_INDENT: &str = "          ";

/// A YAML disclosure document with `items` items numbered 1..=items, spread over
/// the categories of `data/kamiless.yaml` (all 11 from 11 items on; one item each in
/// the first `items` categories below that). The same `(items, seed)` always gives
/// the same text.
pub fn generate(items: usize, seed: u64) -> String {
    let mut rng = Rng(seed);
    let mut out = String::with_capacity(2048 + items * BYTES_PER_ITEM);
    let _ = writeln!(
        out,
        "# Synthetic disclosure document: {items} items, seed {seed} (disclosure_pdf::sample)."
    );
    out.push_str(
        "document:
  id: sample
  title: 情報セキュリティに関する情報開示
  issuer: 株式会社オプロ
  service: データオプティマイズソリューション
  scope: カミレス
  version: \"1.0\"
  date: 2026-11-25
  language: ja
",
    );
    push_block(&mut out, "  preface: |\n", PREFACE);
    push_block(&mut out, "  notes: |\n", NOTES);
    out.push_str("categories:\n");
    let mut no = 0;
    for (ci, count) in category_sizes(items).into_iter().enumerate() {
        out.push_str("  - title: ");
        push_quoted(&mut out, CATEGORIES[ci]);
        out.push_str("\n    items:\n");
        for _ in 0..count {
            no += 1;
            let _ = write!(out, "      - no: {no}\n        title: ");
            push_quoted(&mut out, rng.pick(TITLES[ci]));
            out.push_str("\n        content: |\n");
            content(&mut rng, &mut out);
        }
    }
    out
}

/// How many items each category gets: the proportions of `CATEGORY_WEIGHTS`
/// (cumulative rounding, so the sizes add up exactly and 38 items give the real
/// document's sizes), then every category at least one item, taken from the
/// largest. Below 11 items, the first `items` categories get one each.
fn category_sizes(items: usize) -> Vec<usize> {
    let categories = items.min(CATEGORIES.len());
    if categories < CATEGORIES.len() {
        return vec![1; categories];
    }
    let total: u128 = CATEGORY_WEIGHTS.iter().map(|&w| u128::from(w)).sum();
    let mut cumulative = 0u128;
    let mut given = 0u128;
    let mut sizes: Vec<usize> = CATEGORY_WEIGHTS
        .iter()
        .map(|&w| {
            cumulative += u128::from(w);
            let upto = items as u128 * cumulative / total;
            let n = upto - given;
            given = upto;
            n as usize
        })
        .collect();
    while let Some(empty) = sizes.iter().position(|&n| n == 0) {
        let largest = (0..sizes.len()).max_by_key(|&i| sizes[i]).unwrap_or(0);
        sizes[largest] -= 1;
        sizes[empty] = 1;
    }
    sizes
}

/// Writes the lines of one content block scalar. A blank line is only written
/// before a following text line, so a block never starts or ends with one.
struct Block<'a> {
    out: &'a mut String,
    /// Text lines written so far.
    lines: usize,
    /// Text lines wanted.
    target: usize,
    blank_pending: bool,
}

impl Block<'_> {
    fn start_line(&mut self) {
        if self.blank_pending {
            self.out.push('\n');
            self.blank_pending = false;
        }
        self.out.push_str(CONTENT_INDENT);
        self.lines += 1;
    }

    fn line(&mut self, text: &str) {
        self.start_line();
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// One line of `n` sentences.
    fn sentences(&mut self, rng: &mut Rng, n: usize) {
        self.start_line();
        for _ in 0..n {
            self.out.push_str(rng.pick(SENTENCES));
        }
        self.out.push('\n');
    }

    /// Up to `n` list lines (never past `target`); a `・` line is sometimes followed by indented `  - ` lines.
    fn list(&mut self, rng: &mut Rng, n: usize) {
        for _ in 0..n {
            if self.lines >= self.target {
                break;
            }
            let line = rng.pick(LIST_LINES);
            self.line(line);
            let room = self.target.saturating_sub(self.lines);
            if line.starts_with('・') && room > 0 && rng.chance(20) {
                for _ in 0..rng.range(1, room.min(3)) {
                    self.line(rng.pick(SUB_LIST_LINES));
                }
            }
        }
    }

    fn blank(&mut self) {
        self.blank_pending = self.lines > 0;
    }
}

/// The content of one item: 1 to 12 text lines (plus blank lines), mixing
/// sentences, lists, sub-headed sections, labels and URLs.
fn content(rng: &mut Rng, out: &mut String) {
    let target = if rng.chance(60) {
        rng.range(1, 3)
    } else {
        rng.range(3, 12)
    };
    let mut b = Block {
        out,
        lines: 0,
        target,
        blank_pending: false,
    };
    while b.lines < target {
        if rng.chance(25) {
            b.blank();
        }
        let room = target - b.lines;
        match rng.below(100) {
            0..=34 => {
                let n = rng.range(1, 2);
                b.sentences(rng, n);
            }
            // The occasional long paragraph.
            35..=41 => {
                let n = rng.range(3, 6);
                b.sentences(rng, n);
            }
            42..=61 => {
                let n = rng.range(1, room.min(5));
                b.list(rng, n);
            }
            62..=67 if room >= 3 => {
                b.line(rng.pick(HEADINGS));
                b.sentences(rng, 1);
                let n = rng.range(1, (room - 2).min(4));
                b.list(rng, n);
            }
            62..=81 => {
                if room >= 2 {
                    b.sentences(rng, 1);
                }
                b.line(rng.pick(URLS));
            }
            // The occasional URL wider than the column.
            82..=84 => b.line(rng.pick(LONG_URLS)),
            _ => {
                b.line(rng.pick(SHORT_LINES));
                if room >= 2 && rng.chance(50) {
                    b.line(rng.pick(URLS));
                }
            }
        }
    }
}

/// Appends `"text"` with `"` and `\` escaped.
fn push_quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

/// Appends `key` (which ends in `|\n`) and the lines of `text` as a literal block
/// scalar of the document section (indent 4); blank lines stay empty.
fn push_block(out: &mut String, key: &str, text: &str) {
    out.push_str(key);
    for line in text.lines() {
        if !line.is_empty() {
            out.push_str("    ");
            out.push_str(line);
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use disclosure_pdf::model::Document;
    use std::path::Path;

    fn numbers(doc: &Document) -> Vec<u32> {
        doc.items()
            .map(|(_, i)| i.no.whole().unwrap_or(0))
            .collect()
    }

    #[test]
    fn parses_with_exactly_n_items_numbered_in_order() {
        for n in [1, 5, 10, 11, 12, 38, 400] {
            let text = generate(n, 7);
            let doc = Document::from_yaml(&text).unwrap_or_else(|e| panic!("n={n}: {e}"));
            let expected: Vec<u32> = (1..=n as u32).collect();
            assert_eq!(numbers(&doc), expected, "n={n}");
            assert_eq!(doc.categories.len(), n.min(11), "n={n}");
            assert!(doc.categories.iter().all(|c| !c.items.is_empty()));
            assert_eq!(doc.document.id, "sample");
            assert_eq!(doc.document.version, "1.0");
            assert_eq!(doc.document.date, "2026-11-25");
            for (c, i) in doc.items() {
                assert!(CATEGORIES.contains(&c.title.as_str()));
                assert!(TITLES.iter().any(|t| t.contains(&i.title.as_str())));
                assert!(!i.content.trim().is_empty(), "item {}", i.no);
                assert!(!i.content.starts_with('\n') && !i.content.ends_with("\n\n"));
            }
        }
    }

    #[test]
    fn category_sizes_add_up_and_follow_the_real_document() {
        assert_eq!(category_sizes(38), CATEGORY_WEIGHTS.map(|w| w as usize));
        assert_eq!(category_sizes(3), [1, 1, 1]);
        assert_eq!(category_sizes(11), [1; 11]);
        for n in [11, 12, 13, 20, 100, 4001, 40000] {
            let sizes = category_sizes(n);
            assert_eq!(sizes.len(), 11);
            assert_eq!(sizes.iter().sum::<usize>(), n);
            assert!(sizes.iter().all(|&s| s >= 1), "{n}: {sizes:?}");
        }
    }

    #[test]
    fn output_is_presized_and_never_reallocated() {
        for seed in 1..=3 {
            let text = generate(4000, seed);
            assert_eq!(text.capacity(), 2048 + 4000 * BYTES_PER_ITEM, "seed {seed}");
            assert!(
                text.len() > 4000 * BYTES_PER_ITEM * 8 / 10,
                "estimate far too big"
            );
        }
    }

    #[test]
    fn same_seed_same_text_other_seed_other_text() {
        assert_eq!(generate(200, 1), generate(200, 1));
        assert_ne!(generate(200, 1), generate(200, 2));
    }

    #[test]
    fn content_varies_like_the_real_document() {
        let doc = Document::from_yaml(&generate(400, 3)).unwrap();
        let contents: Vec<&str> = doc.items().map(|(_, i)| i.content.as_str()).collect();
        let has = |f: &dyn Fn(&str) -> bool| contents.iter().any(|c| c.lines().any(f));
        assert!(has(&|l| l.starts_with('●')));
        assert!(has(&|l| l.starts_with('・')));
        assert!(has(&|l| l.starts_with('※')));
        assert!(has(&|l| l.starts_with("  - ")));
        assert!(has(&|l| l.starts_with('＜') && l.ends_with('＞')));
        assert!(has(&|l| LONG_URLS.contains(&l)));
        assert!(has(&|l| l.matches('。').count() >= 3));
        assert!(contents.iter().any(|c| c.contains("\n\n")));
        let lines: Vec<usize> = contents.iter().map(|c| c.lines().count()).collect();
        assert_eq!(lines.iter().min(), Some(&1));
        assert!(lines.iter().any(|&n| n >= 10));
    }

    #[test]
    fn sixty_items_build_a_pdf() {
        let text = generate(60, 1);
        let input =
            disclosure_pdf::check_text(Path::new("sample.yaml"), &text, &Default::default())
                .unwrap();
        assert!(input.warnings.is_empty(), "{:?}", input.warnings);
        let built = disclosure_pdf::build_pdf(&input, &Default::default()).unwrap();
        assert!(built.pages > 1);
        assert!(built.bytes.starts_with(b"%PDF"));
    }
}
