// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title L1Block
/// @notice L2 predeploy at 0x4200000000000000000000000000000000000015 holding the attributes of the L2 block's L1
///         origin, written by the first (L1-info deposit) transaction of each L2 block, sent from
///         `DEPOSITOR_ACCOUNT` (0xdeaddeaddeaddeaddeaddeaddeaddeaddead0001). OP Stack storage layout (slots 0-8),
///         getters and `NotDepositor()` error, and OP's packed calldata (no ABI encoding), as op-node writes it:
///         `setL1BlockValuesEcotone()` 0x440a5e20 ‖ baseFeeScalar u32 ‖ blobBaseFeeScalar u32 ‖
///         sequenceNumber u64 ‖ timestamp u64 ‖ number u64 ‖ basefee u256 ‖ blobBaseFee u256 ‖ hash b32 ‖
///         batcherHash b32 (164 bytes), the call Mach's sequencer makes; `setL1BlockValuesIsthmus()` 0x098999be:
///         the same ‖ operatorFeeScalar u32 ‖ operatorFeeConstant u64 (176 bytes), kept as OP's L1Block has it.
///         Genesis may leave all storage zero.
///         One deliberate difference: OP reads calldata past its end as zeros, this contract rejects any other
///         length (`BadCalldataLength`), so a malformed L1-info deposit fails visibly instead of zeroing the fee
///         parameters (op-geth itself refuses Ecotone L1 info that is not 164 bytes when it builds receipts).
///         Omitted: the pre-Ecotone ABI-encoded `setL1BlockValues(...)` and the custom gas token functions, which
///         a chain that starts at Ecotone with ETH as its gas token never calls.
contract L1Block {
    address public constant DEPOSITOR_ACCOUNT = 0xDeaDDEaDDeAdDeAdDEAdDEaddeAddEAdDEAd0001;

    uint64 public number;
    uint64 public timestamp;
    uint256 public basefee;
    bytes32 public hash;
    uint64 public sequenceNumber;
    uint32 public blobBaseFeeScalar;
    uint32 public baseFeeScalar;
    bytes32 public batcherHash;
    uint256 public l1FeeOverhead;
    uint256 public l1FeeScalar;
    uint256 public blobBaseFee;
    uint64 public operatorFeeConstant;
    uint32 public operatorFeeScalar;

    error NotDepositor();
    error BadCalldataLength(uint256 length);

    function version() external pure returns (string memory) {
        return "1.6.0";
    }

    function setL1BlockValuesEcotone() external {
        _checkCall(164);
        _setEcotone();
    }

    function setL1BlockValuesIsthmus() external {
        _checkCall(176);
        _setEcotone();
        operatorFeeScalar = uint32(bytes4(msg.data[164:168]));
        operatorFeeConstant = uint64(bytes8(msg.data[168:176]));
    }

    function _checkCall(uint256 _length) internal view {
        if (msg.sender != DEPOSITOR_ACCOUNT) revert NotDepositor();
        if (msg.data.length != _length) revert BadCalldataLength(msg.data.length);
    }

    function _setEcotone() internal {
        baseFeeScalar = uint32(bytes4(msg.data[4:8]));
        blobBaseFeeScalar = uint32(bytes4(msg.data[8:12]));
        sequenceNumber = uint64(bytes8(msg.data[12:20]));
        timestamp = uint64(bytes8(msg.data[20:28]));
        number = uint64(bytes8(msg.data[28:36]));
        basefee = uint256(bytes32(msg.data[36:68]));
        blobBaseFee = uint256(bytes32(msg.data[68:100]));
        hash = bytes32(msg.data[100:132]);
        batcherHash = bytes32(msg.data[132:164]);
    }
}
