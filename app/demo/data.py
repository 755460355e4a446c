"""The demo operation's accounts, phases, files and messages, as plain data.

The operation is modelled on a joint customs and police operation of the six
Mekong countries against drug, wildlife and timber trafficking. Dates are
given as days before the day the demo is loaded, so the seizures are always
in the past and the operational phase is under way.

The loader sends the messages in the order of `MESSAGES`, each from the
account of its sender and through the public API, so every message passes the
same checks as a real one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stdnum import iso6346

OPERATION_CODE = "mekong-dragon-2"
OPERATION_NAME = "Mekong Dragon II"
OPERATION_DESCRIPTION = (
    "Joint operation of the customs and police services of Cambodia, China, "
    "Lao PDR, Myanmar, Thailand and Viet Nam against the trafficking of drugs, "
    "wildlife and timber in the Mekong basin. Demo data: every person, vessel, "
    "truck and case in it is invented."
)
COUNTRIES = ("CN", "KH", "LA", "MM", "TH", "VN")

# One password for every demo account, so that anyone can try each role.
DEMO_PASSWORD = "mekong-demo-2024"
ADMIN_USERNAME = "demo-admin"
ADMIN_DISPLAY_NAME = "Demo administrator"
ADMIN_COUNTRY = "BE"


@dataclass(frozen=True, slots=True)
class DaysAgo:
    """A date this many days before the day the demo is loaded."""

    days: int


@dataclass(frozen=True, slots=True)
class MessageRef:
    """The id of an earlier demo message, named by its `DemoMessage.key`."""

    key: str


# Each phase as (first day, last day) counted from the load day: about 4, 6
# and 4 months, with the load day in the last month of the operational phase.
PHASES: dict[str, tuple[int, int]] = {
    "pre_operational": (-274, -153),
    "operational": (-152, 30),
    "post_operational": (31, 152),
}


@dataclass(frozen=True, slots=True)
class DemoMember:
    username: str
    display_name: str
    country: str
    role: str

    @property
    def email(self) -> str:
        return f"{self.username}@example.org"


MEMBERS: tuple[DemoMember, ...] = (
    # The Operational Coordination Unit.
    DemoMember("ocu-minh", "Trần Thị Minh", "VN", "ocu"),
    DemoMember("ocu-lina", "李娜 (Li Na)", "CN", "ocu"),
    # One National Contact Point per country.
    DemoMember("ncp-cn", "刘洋 (Liu Yang)", "CN", "ncp"),
    DemoMember("ncp-kh", "ហេង សំណាង (Heng Samnang)", "KH", "ncp"),
    DemoMember("ncp-la", "ຄຳພອນ ສີຫາລາດ (Khamphone Sihalath)", "LA", "ncp"),
    DemoMember("ncp-mm", "ဇော်ဝင်း (Zaw Win)", "MM", "ncp"),
    DemoMember("ncp-th", "วิชัย ศรีสุข (Wichai Srisuk)", "TH", "ncp"),
    DemoMember("ncp-vn", "Phạm Quốc Hùng", "VN", "ncp"),
    # Field officers.
    DemoMember("cn-wangwei", "王伟 (Wang Wei)", "CN", "user"),
    DemoMember("cn-zhangli", "张丽 (Zhang Li)", "CN", "user"),
    DemoMember("kh-dara", "សុខ ដារ៉ា (Sok Dara)", "KH", "user"),
    DemoMember("kh-sophea", "ចាន់ សុភា (Chan Sophea)", "KH", "user"),
    DemoMember("la-somsak", "ສົມສັກ ພົມມະຈັນ (Somsak Phommachanh)", "LA", "user"),
    DemoMember("la-bounmy", "ບຸນມີ ແກ້ວ (Bounmy Keo)", "LA", "user"),
    DemoMember("mm-aungkoko", "အောင်ကိုကို (Aung Ko Ko)", "MM", "user"),
    DemoMember("mm-myint", "မြင့်မြင့်ခိုင် (Myint Myint Khaing)", "MM", "user"),
    DemoMember("th-somchai", "สมชาย ใจดี (Somchai Jaidee)", "TH", "user"),
    DemoMember("th-sudarat", "สุดารัตน์ ทองดี (Sudarat Thongdee)", "TH", "user"),
    DemoMember("th-nattapong", "ณัฐพงษ์ แก้วมณี (Nattapong Kaewmanee)", "TH", "user"),
    DemoMember("vn-an", "Nguyễn Văn An", "VN", "user"),
    DemoMember("vn-hoa", "Lê Thị Hoa", "VN", "user"),
    DemoMember("vn-tuan", "Đỗ Minh Tuấn", "VN", "user"),
)


def container(owner_category_serial: str) -> str:
    """Append the ISO 6346 check digit to an owner code, category and serial."""
    return owner_category_serial + iso6346.calc_check_digit(owner_category_serial)


# Containers of the pangolin warning from Viet Nam.
CASHEW_CONTAINERS = (container("MSCU663487"), container("MAEU448163"))
# Containers of the OCU's warning about shipments from Mozambique, with the
# port and country each one was bound for.
MOZAMBIQUE_CONTAINERS = (
    (container("CSQU305438"), "Sihanoukville", "KH"),
    (container("TGHU112233"), "Laem Chabang", "TH"),
    (container("OOLU882105"), "Hai Phong", "VN"),
)


@dataclass(frozen=True, slots=True)
class DemoFile:
    """An attachment: its file name and the `app.demo.files` builder of its bytes."""

    filename: str
    builder: str


FILES: dict[str, DemoFile] = {
    "instructions": DemoFile(
        "Mekong Dragon II - operational instructions.pdf", "instructions_pdf"
    ),
    "watch-list": DemoFile(
        "集装箱监控清单 - container watch list.csv", "watch_list_csv"
    ),
    "summary-chart": DemoFile(
        "Tổng hợp giữa kỳ - seizures by country.png", "seizure_chart_png"
    ),
}


@dataclass(frozen=True, slots=True)
class Recipients:
    """A recipient selection, with members named by username."""

    roles: tuple[str, ...] = ()
    my_country: bool = False
    countries: tuple[str, ...] = ()
    users: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DemoMessage:
    """One message to send. `subject=None` lets the server write `re:` or `fwd:`."""

    key: str
    sender: str
    type: str | None
    subject: str | None
    body: str
    recipients: Recipients
    fields: dict[str, Any] | None = None
    attachments: tuple[str, ...] = ()
    in_reply_to: str | None = None
    forward_of: str | None = None


EVERYONE = Recipients(roles=("ocu", "ncp", "user"))

MESSAGES: tuple[DemoMessage, ...] = (
    DemoMessage(
        key="welcome",
        sender="ocu-minh",
        type="message",
        subject="Welcome to Mekong Dragon II: rules of the operation",
        body=(
            "Dear colleagues,\n\n"
            "The operational phase of Mekong Dragon II has started. The attached "
            "instructions set out how we report:\n"
            "- send a warning for every suspicious shipment before it arrives;\n"
            "- answer each warning with feedback once the control is done, "
            "positive or negative;\n"
            "- report every seizure with a seizure message, so that it counts in "
            "the statistics of the operation.\n\n"
            "Seizure messages are numbered in their subject (SEIZURE MESSAGE 1, "
            "2, ...). Write in your own language if you prefer, and add a short "
            "English summary.\n\n"
            "Trần Thị Minh\nOperational Coordination Unit"
        ),
        recipients=EVERYONE,
        attachments=("instructions",),
    ),
    DemoMessage(
        key="weekly-reports",
        sender="ocu-lina",
        type="message",
        subject="国家联络点每周报告 / Weekly NCP reports",
        body=(
            "各位国家联络点同事：\n"
            "请于每周五前向行动协调组提交本国的每周汇总报告，"
            "包括查获情况和预警反馈。\n\n"
            "Dear NCPs, please send your country's weekly summary of seizures and "
            "feedback to the OCU every Friday.\n\n"
            "李娜 (Li Na)"
        ),
        recipients=Recipients(roles=("ncp",)),
    ),
    DemoMessage(
        key="warning-pangolin",
        sender="ncp-vn",
        type="warning",
        subject="CẢNH BÁO: nghi vận chuyển vảy tê tê trong container hạt điều",
        body=(
            "Hải quan Việt Nam nhận được thông tin về hai container khai báo là "
            "hạt điều thô, xuất phát từ Lagos (Nigeria), chuyển tải tại Port "
            "Klang (Malaysia) và dự kiến cập cảng Hải Phòng. Đề nghị các nước "
            "kiểm tra nếu container đi qua cảng của mình.\n\n"
            "English summary: two containers declared as raw cashew nuts, Lagos "
            "to Hai Phong through Port Klang, are suspected to hold pangolin "
            "scales."
        ),
        recipients=Recipients(roles=("ocu", "ncp"), my_country=True),
        fields={
            "commodity": "wildlife",
            "description": (
                "Nghi vảy tê tê trong container khai báo hạt điều thô / pangolin "
                "scales suspected in containers declared as raw cashew nuts"
            ),
            "container_numbers": list(CASHEW_CONTAINERS),
            "conveyance": "vessel SEA PHOENIX, voyage 0842E",
            "transport_mode": "sea",
            "departure_country": "NG",
            "transit_countries": ["MY"],
            "destination_country": "VN",
            "expected_arrival": DaysAgo(127),
            "risk_indicators": (
                "Consignee registered three weeks before the shipment; freight "
                "paid in cash; a transshipment port not usual for cashew nuts."
            ),
        },
    ),
    DemoMessage(
        key="seizure-pangolin",
        sender="vn-an",
        type="seizure",
        subject="SEIZURE MESSAGE 1",
        body=(
            "Theo cảnh báo của NCP Việt Nam, Hải quan cảng Hải Phòng đã kiểm tra "
            f"container {CASHEW_CONTAINERS[0]} và phát hiện 1.260 kg vảy tê tê "
            "giấu dưới 320 bao hạt điều. Chủ hàng đã bị tạm giữ để điều tra.\n\n"
            f"English summary: 1,260 kg of pangolin scales under bags of cashew "
            f"nuts in container {CASHEW_CONTAINERS[0]} at Hai Phong; the "
            "consignee is held."
        ),
        recipients=Recipients(roles=("ocu", "ncp"), my_country=True),
        fields={
            "seizure_date": DaysAgo(126),
            "country": "VN",
            "place": "Hai Phong port, Tan Vu terminal",
            "place_type": "seaport",
            "commodity": "wildlife",
            "description": "Pangolin scales under bags of raw cashew nuts",
            "species": "Manis spp. (pangolin)",
            "quantity": 1260,
            "unit": "kg",
            "estimated_value": 2_500_000,
            "currency": "USD",
            "concealment": "Under 320 bags of cashew nuts at the back of the box",
            "transport_mode": "sea",
            "container_numbers": [CASHEW_CONTAINERS[0]],
            "conveyance": "vessel SEA PHOENIX, voyage 0842E",
            "departure_country": "NG",
            "transit_countries": ["MY"],
            "destination_country": "VN",
            "suspects_arrested": 1,
            "suspect_nationalities": ["VN"],
            "seizing_agency": "Hai Phong Customs Department",
            "case_reference": "HP-TV-0117",
        },
    ),
    DemoMessage(
        key="feedback-pangolin",
        sender="vn-an",
        type="feedback",
        subject=f"Phản hồi cảnh báo: {CASHEW_CONTAINERS[0]} có vảy tê tê",
        body=(
            f"Đã kiểm tra container {CASHEW_CONTAINERS[0]} theo cảnh báo: phát hiện "
            "vảy tê tê, chi tiết trong SEIZURE MESSAGE 1.\n\n"
            "English summary: positive control, see SEIZURE MESSAGE 1."
        ),
        recipients=Recipients(roles=("ocu",), my_country=True),
        fields={
            "warning_id": MessageRef("warning-pangolin"),
            "result": "positive",
            "seizure_id": MessageRef("seizure-pangolin"),
            "remarks": (
                f"Container {CASHEW_CONTAINERS[1]} has not arrived yet; it will be "
                "controlled on arrival."
            ),
        },
    ),
    DemoMessage(
        key="warning-rosewood",
        sender="ncp-th",
        type="warning",
        subject="แจ้งเตือน: รถบรรทุกต้องสงสัยขนไม้พะยูงข้ามแดน",
        body=(
            "ศุลกากรไทยได้รับข้อมูลว่ารถบรรทุกสองคันจากแขวงสะหวันนะเขต "
            "สปป.ลาว จะผ่านด่านมุกดาหารเพื่อนำไม้พะยูงไปส่งออกที่ท่าเรือแหลมฉบัง "
            "ปลายทางประเทศจีน สินค้าสำแดงว่าเป็นเฟอร์นิเจอร์ไม้ยางพารา\n\n"
            "English summary: two trucks from Savannakhet (Lao PDR), declared as "
            "rubberwood furniture, are expected at the Mukdahan crossing on their "
            "way to Laem Chabang port and China, suspected to carry Siamese "
            "rosewood."
        ),
        recipients=Recipients(roles=("ocu",), my_country=True, countries=("LA", "CN")),
        fields={
            "commodity": "timber",
            "description": (
                "Siamese rosewood (Dalbergia cochinchinensis) suspected under "
                "rubberwood furniture"
            ),
            "conveyance": "two trucks, Lao plates SV 1234 and SV 5678",
            "transport_mode": "road",
            "departure_country": "LA",
            "transit_countries": ["TH"],
            "destination_country": "CN",
            "expected_arrival": DaysAgo(101),
            "risk_indicators": (
                "Furniture declared at a third of its usual weight per cubic "
                "metre; the exporter has no earlier shipments."
            ),
        },
    ),
    DemoMessage(
        key="seizure-rosewood",
        sender="la-somsak",
        type="seizure",
        subject="SEIZURE MESSAGE 2",
        body=(
            "ເຈົ້າໜ້າທີ່ພາສີດ່ານຂົວມິດຕະພາບແຫ່ງທີ 2 ໄດ້ກວດພົບໄມ້ພະຍູງ 14 "
            "ແມັດກ້ອນ ເຊື່ອງໄວ້ໃນລົດບັນທຸກສອງຄັນ ຕາມການແຈ້ງເຕືອນຂອງໄທ.\n\n"
            "English summary: 14 m3 of Siamese rosewood in two trucks at the "
            "Second Friendship Bridge in Savannakhet, following the warning from "
            "Thailand; both drivers are held."
        ),
        recipients=Recipients(roles=("ocu", "ncp"), my_country=True),
        fields={
            "seizure_date": DaysAgo(100),
            "country": "LA",
            "place": "Second Thai-Lao Friendship Bridge, Savannakhet",
            "place_type": "land_border",
            "commodity": "timber",
            "description": "Sawn Siamese rosewood under rubberwood furniture",
            "species": "Dalbergia cochinchinensis (Siamese rosewood)",
            "quantity": 14,
            "unit": "m3",
            "estimated_value": 420_000,
            "currency": "USD",
            "concealment": "Sawn timber under flat-packed furniture",
            "transport_mode": "road",
            "conveyance": "two trucks, Lao plates SV 1234 and SV 5678",
            "departure_country": "LA",
            "transit_countries": ["TH"],
            "destination_country": "CN",
            "suspects_arrested": 2,
            "suspect_nationalities": ["LA"],
            "seizing_agency": "Lao Customs, Savannakhet",
            "case_reference": "SVK-0211",
        },
    ),
    DemoMessage(
        key="feedback-rosewood",
        sender="ncp-la",
        type="feedback",
        subject="ຄຳຕອບການແຈ້ງເຕືອນ: ພົບໄມ້ພະຍູງ",
        body=(
            "ຂອບໃຈ NCP ໄທ ສຳລັບການແຈ້ງເຕືອນ. ລາຍລະອຽດເບິ່ງ SEIZURE MESSAGE 2.\n\n"
            "English summary: thank you, Thai NCP; see SEIZURE MESSAGE 2."
        ),
        recipients=Recipients(roles=("ocu",), countries=("TH",)),
        fields={
            "warning_id": MessageRef("warning-rosewood"),
            "result": "positive",
            "seizure_id": MessageRef("seizure-rosewood"),
            "remarks": "Both trucks were stopped before the bridge.",
        },
    ),
    DemoMessage(
        key="warning-meth",
        sender="ncp-mm",
        type="warning",
        subject="သတိပေးချက်: မက်သ်ဆေးပြားများ သယ်ဆောင်သည်ဟု သံသယရှိသော ကုန်တင်ကား",
        body=(
            "ရှမ်းပြည်နယ်မှ ကုန်တင်ကားတစ်စီးသည် တာချီလိတ်မှ မဲဆိုင်သို့ "
            "မက်သ်အမ်ဖီတမင်းဆေးပြားများ သယ်ဆောင်လာမည်ဟု သတင်းရရှိပါသည်။ "
            "ထိုင်းနိုင်ငံ မဲဆိုင်နယ်စပ်ဂိတ်တွင် စစ်ဆေးပေးပါရန် မေတ္တာရပ်ခံအပ်ပါသည်။\n\n"
            "English summary: a truck from Shan State is expected to cross from "
            "Tachileik to Mae Sai with methamphetamine tablets hidden under a "
            "load of cabbages."
        ),
        recipients=Recipients(roles=("ocu",), my_country=True, countries=("TH", "LA")),
        fields={
            "commodity": "drugs",
            "description": "Methamphetamine tablets (yaba) under a load of cabbages",
            "conveyance": "truck, Myanmar plate 7B-4421",
            "transport_mode": "road",
            "departure_country": "MM",
            "destination_country": "TH",
            "expected_arrival": DaysAgo(90),
            "risk_indicators": (
                "The driver crossed four times in ten days; the truck weighs more "
                "than its declared load."
            ),
        },
    ),
    DemoMessage(
        key="seizure-meth",
        sender="th-sudarat",
        type="seizure",
        subject="SEIZURE MESSAGE 3",
        body=(
            "เจ้าหน้าที่ศุลกากรด่านแม่สายตรวจพบยาบ้า 1,200,000 เม็ด "
            "ซ่อนอยู่ใต้กะหล่ำปลีในรถบรรทุกตามที่ได้รับแจ้งเตือนจากเมียนมา "
            "จับกุมผู้ขับขี่ได้ 1 คน\n\n"
            "English summary: 1,200,000 methamphetamine tablets under cabbages in "
            "a truck at Mae Sai, following the warning from Myanmar; the driver "
            "was arrested."
        ),
        recipients=Recipients(roles=("ocu", "ncp"), my_country=True),
        fields={
            "seizure_date": DaysAgo(89),
            "country": "TH",
            "place": "Mae Sai border checkpoint, Chiang Rai",
            "place_type": "land_border",
            "commodity": "drugs",
            "description": "Methamphetamine tablets (yaba) stamped WY",
            "quantity": 1_200_000,
            "unit": "pieces",
            "estimated_value": 36_000_000,
            "currency": "THB",
            "concealment": "Under a load of cabbages",
            "transport_mode": "road",
            "conveyance": "truck, Myanmar plate 7B-4421",
            "departure_country": "MM",
            "destination_country": "TH",
            "suspects_arrested": 1,
            "suspect_nationalities": ["MM"],
            "seizing_agency": "Thai Customs, Mae Sai",
            "case_reference": "MS-0425",
        },
    ),
    DemoMessage(
        key="feedback-meth",
        sender="ncp-th",
        type="feedback",
        subject="ผลการตรวจสอบตามแจ้งเตือน: พบยาบ้าที่ด่านแม่สาย",
        body=(
            "ตรวจสอบรถบรรทุกตามแจ้งเตือนแล้ว พบยาบ้าตามรายงาน SEIZURE MESSAGE 3 "
            "ขอบคุณ NCP เมียนมา\n\n"
            "English summary: the truck was controlled and the tablets found, see "
            "SEIZURE MESSAGE 3. Thank you, Myanmar NCP."
        ),
        recipients=Recipients(roles=("ocu",), countries=("MM",)),
        fields={
            "warning_id": MessageRef("warning-meth"),
            "result": "positive",
            "seizure_id": MessageRef("seizure-meth"),
            "remarks": "The tablets match the description in the warning.",
        },
    ),
    DemoMessage(
        key="seizure-ivory",
        sender="cn-wangwei",
        type="seizure",
        subject="SEIZURE MESSAGE 4",
        body=(
            "广州白云机场海关在一名旅客的托运行李中查获象牙原牙及制品共计 38.5 "
            "公斤。该旅客从罗安达经亚的斯亚贝巴入境，已被刑事拘留。\n\n"
            "English summary: 38.5 kg of raw and carved ivory in the checked "
            "baggage of a passenger arriving from Luanda through Addis Ababa at "
            "Guangzhou Baiyun airport; the passenger is detained."
        ),
        recipients=Recipients(roles=("ocu", "ncp"), my_country=True),
        fields={
            "seizure_date": DaysAgo(84),
            "country": "CN",
            "place": "Guangzhou Baiyun International Airport",
            "place_type": "airport",
            "commodity": "wildlife",
            "description": "Raw ivory tusks cut into pieces and carved bangles",
            "species": "Loxodonta africana (African elephant)",
            "quantity": 38.5,
            "unit": "kg",
            "estimated_value": 1_500_000,
            "currency": "CNY",
            "concealment": "Wrapped in aluminium foil in two suitcases",
            "transport_mode": "air",
            "conveyance": "passenger flight from Addis Ababa",
            "departure_country": "AO",
            "transit_countries": ["ET"],
            "destination_country": "CN",
            "suspects_arrested": 1,
            "suspect_nationalities": ["CN"],
            "seizing_agency": "Guangzhou Baiyun Airport Customs",
            "case_reference": "GZBY-0933",
        },
    ),
    DemoMessage(
        key="seizure-rhino",
        sender="kh-dara",
        type="seizure",
        subject="SEIZURE MESSAGE 5",
        body=(
            "មន្ត្រីគយនៅអាកាសយានដ្ឋានអន្តរជាតិភ្នំពេញបានរឹបអូសស្នែងរមាសចំនួន ១២ ដុំ "
            "ដែលលាក់ក្នុងវ៉ាលីរបស់អ្នកដំណើរម្នាក់ដែលមកពីម៉ូសំប៊ិក។\n\n"
            "English summary: 12 pieces of rhino horn hidden in the suitcase of a "
            "passenger arriving from Mozambique at Phnom Penh International "
            "Airport; the passenger is held."
        ),
        recipients=Recipients(roles=("ocu", "ncp"), my_country=True),
        fields={
            "seizure_date": DaysAgo(72),
            "country": "KH",
            "place": "Phnom Penh International Airport",
            "place_type": "airport",
            "commodity": "wildlife",
            "description": "Rhinoceros horn, whole horns and cut pieces",
            "species": "Ceratotherium simum (white rhinoceros)",
            "quantity": 12,
            "unit": "pieces",
            "estimated_value": 1_200_000,
            "currency": "USD",
            "concealment": "Wrapped in clothes and plaster in a suitcase",
            "transport_mode": "air",
            "conveyance": "passenger flight through Doha",
            "departure_country": "MZ",
            "transit_countries": ["QA"],
            "destination_country": "KH",
            "suspects_arrested": 1,
            "suspect_nationalities": ["VN"],
            "seizing_agency": "General Department of Customs and Excise of Cambodia",
            "case_reference": "PNH-0058",
        },
    ),
    DemoMessage(
        key="reply-rhino",
        sender="ocu-minh",
        type=None,
        subject=None,
        body=(
            "Thank you, Cambodia. Please keep a sample of each horn for DNA "
            "analysis. The OCU will ask the CITES authorities of Mozambique and "
            "South Africa about the origin."
        ),
        recipients=Recipients(users=("kh-dara", "ncp-kh")),
        in_reply_to="seizure-rhino",
    ),
    DemoMessage(
        key="seizure-heroin",
        sender="mm-aungkoko",
        type="seizure",
        subject="SEIZURE MESSAGE 6",
        body=(
            "မူဆယ် ၁၀၅ မိုင် ကုန်သွယ်ရေးဇုန်တွင် ကုန်တင်ကားတစ်စီး၏ "
            "လျှို့ဝှက်အခန်းထဲမှ ဘိန်းဖြူ ၄၈ ကီလိုဂရမ်ကို ဖမ်းဆီးရမိခဲ့သည်။\n\n"
            "English summary: 48 kg of heroin in a hidden compartment of a truck "
            "bound for China, at the Muse 105-mile trade zone; two suspects "
            "arrested."
        ),
        recipients=Recipients(roles=("ocu", "ncp"), my_country=True),
        fields={
            "seizure_date": DaysAgo(65),
            "country": "MM",
            "place": "Muse 105-mile trade zone",
            "place_type": "land_border",
            "commodity": "drugs",
            "description": "Heroin No. 4 in 136 blocks",
            "quantity": 48,
            "unit": "kg",
            "concealment": "Hidden compartment under the truck bed",
            "transport_mode": "road",
            "conveyance": "truck, Myanmar plate 2D-8815",
            "departure_country": "MM",
            "destination_country": "CN",
            "suspects_arrested": 2,
            "suspect_nationalities": ["MM"],
            "seizing_agency": "Myanmar Customs Department, Muse",
            "case_reference": "MUSE-0310",
        },
    ),
    DemoMessage(
        key="seizure-ice",
        sender="cn-zhangli",
        type="seizure",
        subject="SEIZURE MESSAGE 7",
        body=(
            "磨憨口岸海关在一辆入境货车的备用油箱内查获冰毒 23.6 公斤，"
            "抓获犯罪嫌疑人 2 名。\n\n"
            "English summary: 23.6 kg of crystal methamphetamine in the spare "
            "fuel tank of a truck entering at Mohan; two suspects arrested."
        ),
        recipients=Recipients(roles=("ocu", "ncp"), my_country=True),
        fields={
            "seizure_date": DaysAgo(51),
            "country": "CN",
            "place": "Mohan port, Yunnan",
            "place_type": "land_border",
            "commodity": "drugs",
            "description": "Crystal methamphetamine (ice) in tea packaging",
            "quantity": 23.6,
            "unit": "kg",
            "concealment": "Spare fuel tank",
            "transport_mode": "road",
            "conveyance": "truck with Lao plates",
            "departure_country": "LA",
            "destination_country": "CN",
            "suspects_arrested": 2,
            "suspect_nationalities": ["LA", "CN"],
            "seizing_agency": "Mohan Customs",
            "case_reference": "MH-0772",
        },
    ),
    DemoMessage(
        key="forward-ice",
        sender="ncp-cn",
        type=None,
        subject=None,
        body=(
            "请老挝和缅甸国家联络点协助核查该货车的登记信息和两名司机的出入境记录。\n\n"
            "Lao and Myanmar NCPs: please check the truck's registration and the "
            "border crossings of both drivers."
        ),
        recipients=Recipients(users=("ncp-la", "ncp-mm")),
        forward_of="seizure-ice",
    ),
    DemoMessage(
        key="reply-forward-ice",
        sender="ncp-la",
        type=None,
        subject=None,
        body=(
            "ລົດຄັນນີ້ຈົດທະບຽນຢູ່ແຂວງຫຼວງນ້ຳທາ. ຄົນຂັບທັງສອງຄົນໄດ້ຂ້າມຊາຍແດນ 6 "
            "ຄັ້ງໃນເດືອນຜ່ານມາ.\n\n"
            "English summary: the truck is registered in Luang Namtha province; "
            "both drivers crossed the border six times last month."
        ),
        recipients=Recipients(users=("ncp-cn",)),
        in_reply_to="forward-ice",
    ),
    DemoMessage(
        key="warning-mozambique",
        sender="ocu-lina",
        type="warning",
        subject=(
            "预警：莫桑比克发往东南亚的可疑集装箱 / "
            "Suspicious containers from Mozambique"
        ),
        body=(
            "根据情报分析，以下三个集装箱可能藏有象牙或穿山甲鳞片，经新加坡转运，"
            "目的港为西哈努克港、林查班港和海防港。详见附件清单。\n\n"
            "English summary: three containers from Pemba (Mozambique), "
            "transshipped in Singapore, may hold ivory or pangolin scales. They "
            "are bound for Sihanoukville, Laem Chabang and Hai Phong; the "
            "attached list gives each container's port."
        ),
        recipients=Recipients(roles=("ocu", "ncp")),
        attachments=("watch-list",),
        fields={
            "commodity": "wildlife",
            "description": (
                "Ivory or pangolin scales suspected in containers declared as "
                "sawn timber"
            ),
            "container_numbers": [number for number, _, _ in MOZAMBIQUE_CONTAINERS],
            "conveyance": "vessel ORIENT PEARL, voyage 118W",
            "transport_mode": "sea",
            "departure_country": "MZ",
            "transit_countries": ["SG"],
            "expected_arrival": DaysAgo(40),
            "risk_indicators": (
                "Same shipper as two earlier ivory seizures in Africa; sawn "
                "timber declared at a low value; booked through a freight "
                "forwarder that changed its name last year."
            ),
        },
    ),
    DemoMessage(
        key="feedback-mozambique-kh",
        sender="ncp-kh",
        type="feedback",
        subject=(
            f"ចម្លើយការព្រមាន៖ កុងតឺន័រ {MOZAMBIQUE_CONTAINERS[0][0]} មិនមានទំនិញខុសច្បាប់ទេ"
        ),
        body=(
            "មន្ត្រីគយកំពង់ផែក្រុងព្រះសីហនុបានស្កេន និងបើកកុងតឺន័រ "
            f"{MOZAMBIQUE_CONTAINERS[0][0]} ហើយរកមិនឃើញទំនិញខុសច្បាប់ទេ។\n\n"
            "English summary: Sihanoukville port scanned and opened container "
            f"{MOZAMBIQUE_CONTAINERS[0][0]}; nothing illegal was found."
        ),
        recipients=Recipients(roles=("ocu",)),
        fields={
            "warning_id": MessageRef("warning-mozambique"),
            "result": "negative",
            "remarks": "Scanned and opened: 18 t of sawn timber, as declared.",
        },
    ),
    DemoMessage(
        key="feedback-mozambique-th",
        sender="ncp-th",
        type="feedback",
        subject=f"Feedback: {MOZAMBIQUE_CONTAINERS[1][0]} not controlled",
        body=(
            f"ตู้คอนเทนเนอร์ {MOZAMBIQUE_CONTAINERS[1][0]} "
            "ออกจากท่าเรือแหลมฉบังก่อนได้รับแจ้งเตือน\n\n"
            f"English summary: container {MOZAMBIQUE_CONTAINERS[1][0]} had left "
            "Laem Chabang before the warning arrived; the consignee's address is "
            "being checked."
        ),
        recipients=Recipients(roles=("ocu",)),
        fields={
            "warning_id": MessageRef("warning-mozambique"),
            "result": "not_controlled",
            "remarks": "Released two days before the warning arrived.",
        },
    ),
    DemoMessage(
        key="seizure-mozambique",
        sender="vn-hoa",
        type="seizure",
        subject="SEIZURE MESSAGE 8",
        body=(
            "Theo cảnh báo của OCU, Hải quan Hải Phòng đã kiểm tra container "
            f"{MOZAMBIQUE_CONTAINERS[2][0]} và phát hiện 2.100 kg ngà voi cùng "
            "1.000 kg vảy tê tê giấu sau lớp gỗ xẻ. Doanh nghiệp nhận hàng đã bỏ "
            "trốn, chưa bắt được đối tượng.\n\n"
            "English summary: 2,100 kg of ivory and 1,000 kg of pangolin scales "
            f"behind sawn timber in container {MOZAMBIQUE_CONTAINERS[2][0]} at Hai "
            "Phong; the consignee has disappeared and nobody is arrested yet."
        ),
        recipients=Recipients(roles=("ocu", "ncp"), my_country=True),
        fields={
            "seizure_date": DaysAgo(38),
            "country": "VN",
            "place": "Hai Phong port, Dinh Vu terminal",
            "place_type": "seaport",
            "commodity": "wildlife",
            "description": "Elephant ivory tusks and pangolin scales behind timber",
            "species": "Loxodonta africana; Manis spp.",
            "quantity": 3100,
            "unit": "kg",
            "estimated_value": 4_600_000,
            "currency": "USD",
            "concealment": "Behind a wall of sawn timber planks",
            "transport_mode": "sea",
            "container_numbers": [MOZAMBIQUE_CONTAINERS[2][0]],
            "conveyance": "vessel ORIENT PEARL, voyage 118W",
            "departure_country": "MZ",
            "transit_countries": ["SG"],
            "destination_country": "VN",
            "suspects_arrested": 0,
            "seizing_agency": "Hai Phong Customs Department",
            "case_reference": "HP-DV-0240",
        },
    ),
    DemoMessage(
        key="feedback-mozambique-vn",
        sender="ncp-vn",
        type="feedback",
        subject=(
            f"Phản hồi cảnh báo: {MOZAMBIQUE_CONTAINERS[2][0]} có ngà voi và vảy tê tê"
        ),
        body=(
            "Kết quả kiểm tra dương tính, chi tiết trong SEIZURE MESSAGE 8.\n\n"
            "English summary: positive control, see SEIZURE MESSAGE 8."
        ),
        recipients=Recipients(roles=("ocu",), countries=("KH", "TH")),
        fields={
            "warning_id": MessageRef("warning-mozambique"),
            "result": "positive",
            "seizure_id": MessageRef("seizure-mozambique"),
        },
    ),
    DemoMessage(
        key="mid-term-summary",
        sender="ocu-minh",
        type="message",
        subject="Tổng hợp giữa kỳ / Mid-term summary",
        body=(
            "Kính gửi các đồng nghiệp,\n"
            "Biểu đồ đính kèm cho thấy số báo cáo bắt giữ của từng nước đến nay.\n\n"
            "Dear colleagues, the attached chart shows the number of seizure "
            "reports of each country so far, from left to right: CN, KH, LA, MM, "
            "TH, VN. Thank you for the feedback on every warning."
        ),
        recipients=Recipients(roles=("ncp", "user")),
        attachments=("summary-chart",),
    ),
    DemoMessage(
        key="reply-mid-term-summary",
        sender="ncp-mm",
        type=None,
        subject=None,
        body=(
            "ကျေးဇူးတင်ပါသည်။ မြန်မာနိုင်ငံမှ နောက်ထပ် ဖမ်းဆီးမှုအစီရင်ခံစာ "
            "နှစ်စောင်ကို ဤအပတ်အတွင်း ပေးပို့ပါမည်။\n\n"
            "English summary: thank you; Myanmar will send two more seizure "
            "reports this week."
        ),
        recipients=Recipients(users=("ocu-minh",)),
        in_reply_to="mid-term-summary",
    ),
)


def seizure_counts_by_country() -> dict[str, int]:
    """Count the demo's seizure reports per seizing country, in `COUNTRIES` order."""
    counts = dict.fromkeys(COUNTRIES, 0)
    for message in MESSAGES:
        if message.type == "seizure" and message.fields is not None:
            counts[message.fields["country"]] += 1
    return counts
